"""The features container: round trip, and refusal of broken or foreign files with a clear message."""

import dataclasses

import numpy as np
import pytest
from gnuradio.semsat.semantic.features import FEATURES_VERSION, ClipFeatures, FeaturesError
from gnuradio.semsat.semantic.vocabulary import OUT_OF_VOCABULARY, word_for_id, word_id


def synthetic(t: int = 50) -> ClipFeatures:
    rng = np.random.default_rng(0)
    words = ["bin", "blue", "zzyzxq"]
    return ClipFeatures(
        fps=25.0,
        face_params=rng.standard_normal((t, 12)).astype(np.float32),
        landmarks68=rng.uniform(0, 256, (t, 68, 2)).astype(np.float32),
        face_confidence=np.ones(t, np.float32),
        face_found=np.ones(t, bool),
        crop_boxes=np.tile(np.array([10, 20, 210, 220], np.float32), (t, 1)),
        identity=rng.standard_normal(128).astype(np.float32),
        text="bin blue zzyzxq",
        words=words,
        word_ids=np.array([word_id(w) for w in words], np.int32),
        word_spans_ms=np.array([[100, 400], [400, 800], [800, 1500]], np.float32),
        phonemes=np.array([0, 5, 6, 0], np.int16),
        phoneme_word_index=np.array([-1, 0, 1, -1], np.int16),
        durations=np.array([10, 15, 15, 10], np.int16),
        durations_ms=np.array([400, 600, 600, 400], np.float32),
        pitch=np.full(t, 120.0, np.float32),
        energy=np.full(t, -30.0, np.float32),
        speaker="bbaf2n",
        mesh468=np.zeros((t, 468, 3), np.float32),
    )


def test_round_trip(tmp_path):
    f = synthetic()
    f.save(tmp_path / "f.npz")
    g = ClipFeatures.load(tmp_path / "f.npz")
    for field in dataclasses.fields(ClipFeatures):
        a, b = getattr(f, field.name), getattr(g, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
        else:
            assert a == b
    assert g.version == FEATURES_VERSION and g.n_frames == 50


def test_vocabulary_ids():
    assert word_for_id(word_id("blue")) == "blue"
    assert word_id("zzyzxq") == OUT_OF_VOCABULARY


@pytest.mark.parametrize(
    "change,message",
    [
        (dict(durations=np.array([10, 15, 15, 9], np.int16)), "sum to 49 frames"),
        (dict(pitch=np.full(49, 120.0, np.float32)), "pitch has shape"),
        (dict(face_params=np.full((50, 12), np.nan, np.float32)), "NaN"),
        (dict(phonemes=np.array([0, 5, 99, 0], np.int16)), "phoneme ids"),
        (dict(identity=np.zeros(128, np.float64)), "dtype"),
        (dict(fps=0.0), "fps"),
        (dict(version=0), "version"),
    ],
)
def test_inconsistent_features_are_refused(change, message):
    with pytest.raises(FeaturesError, match=message):
        dataclasses.replace(synthetic(), **change).validate()


def test_foreign_and_broken_files_are_refused(tmp_path):
    (tmp_path / "text.npz").write_text("not numpy")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    good = tmp_path / "good.npz"
    synthetic().save(good)
    (tmp_path / "truncated.npz").write_bytes(good.read_bytes()[:200])
    for name in ("text.npz", "other.npz", "truncated.npz", "missing.npz"):
        with pytest.raises(FeaturesError, match=name):
            ClipFeatures.load(tmp_path / name)

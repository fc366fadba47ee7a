"""The shipped codec models through symbol-level AWGN, Rayleigh block fading and Rayleigh fading of the
blocks' default time interleaving (4 bursts per window, one fade each) (numpy, true noise variance to the
decoder), scored on data the models never saw: the face parameters, phones and durations of GRID clip
grid_lrwp9a (held out by `semsat-train codec`) and the transcripts of the speech/ recordings.

Face NMSE: each parameter standardized by the 4 training clips' per-dimension mean and std (computed here
from their features), then mean squared error over mean squared value of the standardized truth. The face is
coded relative to the clip's first frame with a face, the reference parameters its KB record holds (what
semsat-link gives both ends)."""

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.semantic.codec.budget import clip_cost, face_symbols_per_frame, format_costs
from gnuradio.semsat.semantic.codec.bursts import DEFAULT_BURSTS
from gnuradio.semsat.semantic.codec.channel import awgn, rayleigh_block_fading, rayleigh_burst_fading
from gnuradio.semsat.semantic.codec.metrics import duration_within, face_nmse_db, token_accuracy
from gnuradio.semsat.semantic.codec.runtime import CodecModelError, StreamCodec
from gnuradio.semsat.semantic.codec.streams import text_to_ids
from gnuradio.semsat.semantic.extract.phonemes import phone_id
from gnuradio.semsat.semantic.extract.pronunciation import pronounce
from gnuradio.semsat.semantic.features import FEATURES_CACHE, ClipFeatures
from gnuradio.semsat.semantic.kb import reference_index
from gnuradio.semsat.testing_media import require_media
from gnuradio.semsat.train.a2f import cached_grid_features

HELD_OUT = "grid_lrwp9a"
SNRS_DB = (0, 4, 8, 12, 16, 20)
DRAWS = 20  # channel realizations per window and SNR (as in the cards)
WINDOW = 25  # frames: the blocks' default 1 s window


@cache
def grid() -> dict[str, ClipFeatures]:
    return {Path(f.source).stem: f for f in cached_grid_features(require_media(), FEATURES_CACHE)}


@cache
def codec(stream: str) -> StreamCodec:
    return StreamCodec.load(stream)


def held_out() -> ClipFeatures:
    return grid()[HELD_OUT]


def kb_anchor(features: ClipFeatures) -> np.ndarray:
    """The reference parameters a KB record of the clip holds: semsat-link's face anchor."""
    return features.face_params[reference_index(features)]


def training_stats() -> tuple[np.ndarray, np.ndarray]:
    frames = np.concatenate([f.face_params for name, f in grid().items() if name != HELD_OUT]).astype(
        np.float64
    )
    return frames.mean(axis=0), frames.std(axis=0)


def speech_transcripts() -> list[str]:
    return [
        e.transcript for e in read_manifest(require_media()) if e.file.startswith("speech/") and e.transcript
    ]


def run_channel(
    channel: str, symbols: np.ndarray, snr_db: float, rng: np.random.Generator, per_item: int = 1
):
    if channel == "awgn":
        return awgn(symbols, snr_db, rng)
    if channel == "bursts":
        return rayleigh_burst_fading(symbols, snr_db, rng, per_item, DEFAULT_BURSTS)
    return rayleigh_block_fading(symbols, snr_db, rng, block=12)


def face_nmse(
    snr_db: float, channel: str = "awgn", per_frame: int | None = None, centred: bool = False
) -> float:
    rng = np.random.default_rng(1)
    truth, anchor = held_out().face_params, kb_anchor(held_out())
    windows = [truth[i : i + WINDOW] for i in range(0, len(truth), WINDOW)]
    sent, got = [], []
    for window in windows:
        symbols = codec("face").encode(window, per_frame, anchor)
        assert symbols.size == len(window) * (per_frame or 6)
        assert np.mean(np.abs(symbols) ** 2) == pytest.approx(1.0, rel=1e-4)
        for _ in range(DRAWS):
            received, noise_var = run_channel(channel, symbols, snr_db, rng, per_frame or 6)
            sent.append(window)
            got.append(codec("face").decode(received, noise_var, per_frame, anchor))
    mean, std = training_stats()
    return face_nmse_db(np.concatenate(sent), np.concatenate(got), mean, std, centred)


def token_scores(stream: str, sequences: list[np.ndarray], snr_db: float, channel: str = "awgn") -> float:
    rng = np.random.default_rng(2)
    truth, got = [], []
    for sequence in sequences:
        symbols = codec(stream).encode(sequence)
        for _ in range(DRAWS):
            per_item = symbols.size // len(sequence)
            received, noise_var = run_channel(channel, symbols, snr_db, rng, per_item)
            decoded = codec(stream).decode(received, noise_var)
            assert decoded.shape == sequence.shape
            truth.append(sequence)
            got.append(decoded)
    if stream == "durations":
        return duration_within(np.concatenate(truth), np.concatenate(got), 1)
    return token_accuracy(np.concatenate(truth), np.concatenate(got))


def text_windows() -> list[np.ndarray]:
    return [text_to_ids(t) for t in [held_out().text, *speech_transcripts()]]


def phone_windows() -> list[np.ndarray]:
    """The held-out clip's aligned phones and the speech transcripts' dictionary phones between silences."""
    from_text = [
        np.asarray([0, *(phone_id(p) for w in t.split() for p in pronounce(w)), 0])
        for t in speech_transcripts()
    ]
    return [held_out().phonemes.astype(np.int64), *from_text]


@pytest.mark.parametrize("channel", ["awgn", "rayleigh", "bursts"])
def test_face_nmse_falls_with_snr(channel):
    curve = [face_nmse(snr, channel) for snr in SNRS_DB]
    print(f"face NMSE ({channel}) dB at {SNRS_DB} dB:", [round(v, 2) for v in curve])
    assert all(np.isfinite(curve))
    assert all(later < earlier for earlier, later in zip(curve, curve[1:], strict=False)), curve


def test_face_nmse_bar_at_12_db():
    nmse = face_nmse(12)
    centred = face_nmse(12, centred=True)
    print(f"face NMSE at 12 dB AWGN: {nmse:.2f} dB (against the clip's own spread: {centred:.2f} dB)")
    assert nmse <= -15.0


@pytest.mark.parametrize("stream", ["text", "phonemes"])
def test_token_accuracy(stream):
    windows = text_windows() if stream == "text" else phone_windows()
    at_12, at_4 = token_scores(stream, windows, 12), token_scores(stream, windows, 4)
    print(f"{stream} accuracy AWGN: 12 dB {at_12:.4f}, 4 dB {at_4:.4f}")
    assert at_12 >= 0.99
    assert at_4 >= 0.90


def test_durations_within_one_frame_at_12_db():
    durations = held_out().durations.astype(np.int64)
    within = token_scores("durations", [durations.astype(np.float32)], 12)
    print(f"durations within 1 frame at 12 dB AWGN: {within:.4f} of {len(durations) * DRAWS}")
    assert within >= 0.99


@pytest.mark.parametrize("channel", ["awgn", "rayleigh"])
def test_zero_db_still_decodes(channel):
    rng = np.random.default_rng(3)
    face, anchor = held_out().face_params[:WINDOW], kb_anchor(held_out())
    received, noise_var = run_channel(channel, codec("face").encode(face, anchor=anchor), 0, rng)
    decoded = codec("face").decode(received, noise_var, anchor=anchor)
    assert decoded.shape == face.shape and np.isfinite(decoded).all()
    # Still informative: closer to the truth than the anchor alone is (what the receiver knows without it).
    assert np.mean((decoded - face) ** 2) < np.mean((anchor - face) ** 2)
    text = text_windows()[0]
    assert token_scores("text", [text], 0, channel) > 0.5  # chance is 1/28
    # Symbols lost altogether (NaN) are read as not received, not propagated.
    symbols = codec("face").encode(face)
    symbols[::3] = np.nan
    assert np.isfinite(codec("face").decode(symbols, np.full(symbols.size, 0.1))).all()


def test_smaller_budget_costs_quality():
    per_frame = [face_symbols_per_frame(sps, 25) for sps in (50, 100, 150)]
    assert per_frame == [2, 4, 6]
    curve = [face_nmse(12, per_frame=k) for k in per_frame]
    print("face NMSE at 12 dB for 2, 4, 6 symbols/frame:", [round(v, 2) for v in curve])
    assert curve[0] > curve[1] > curve[2]
    with pytest.raises(ValueError, match="whole number"):
        face_symbols_per_frame(110, 25)


def test_default_v2a_budget_per_clip():
    for name, features in grid().items():
        costs = {c.stream: c for c in clip_cost(features, "v2a")}
        assert costs["face"].symbols == features.n_frames * 6
        assert costs["text"].symbols == 5 * len(features.text.replace("  ", " "))
        total = sum(c.symbols for c in costs.values())
        report = format_costs(list(costs.values()))
        print(f"{name}, V2A:\n{report}")
        assert report.splitlines()[-1].split()[1] == str(total)  # the reported total is the sum
        assert total <= 600


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(CodecModelError, match="semsat-train codec"):
        StreamCodec.load("face", tmp_path)


def test_face_is_coded_relative_to_its_anchor():
    """The face codec sees only the offsets from the anchor both ends hold: the same motion about another
    anchor gives the same symbols, and the decoder adds back the anchor it is given."""
    face = codec("face")
    window, anchor = held_out().face_params[:WINDOW], kb_anchor(held_out())
    offset = np.random.default_rng(4).normal(0, 0.1, 12).astype(np.float32)
    symbols = face.encode(window, anchor=anchor)
    np.testing.assert_allclose(face.encode(window + offset, anchor=anchor + offset), symbols, atol=1e-4)
    np.testing.assert_allclose(face.encode(window), face.encode(window, anchor=face.default_anchor))
    noise_var = np.full(symbols.size, 0.05, np.float32)
    moved = face.decode(symbols, noise_var, anchor=anchor + offset)
    moved -= face.decode(symbols, noise_var, anchor=anchor)
    np.testing.assert_allclose(moved, np.broadcast_to(offset, window.shape), atol=1e-5)
    with pytest.raises(ValueError, match="anchor"):
        face.encode(window, anchor=anchor[:6])
    with pytest.raises(ValueError, match="anchor"):
        codec("text").encode(text_windows()[0], anchor=anchor)

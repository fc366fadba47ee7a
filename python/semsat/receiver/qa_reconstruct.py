"""The frozen reconstructor: the KB's reference frame of the clip's speaker (else the given fallback, else
gray) for every frame, with silence of the clip's length."""

import numpy as np
from gnuradio.semsat.receiver.assembler import Assembler
from gnuradio.semsat.receiver.clip_messages import clip_messages
from gnuradio.semsat.receiver.reconstruct import FrozenReconstructor, reconstructors
from gnuradio.semsat.receiver.testing_clips import synthetic_features
from gnuradio.semsat.semantic.kb import IdentityRecord, KnowledgeBase


def assembled(speaker: str = "bbaf2n"):
    features = synthetic_features(30)
    features.speaker = speaker
    assembler = Assembler()
    (clip,) = [c for m in clip_messages(features, "c") for c in assembler.feed(m, 0.0)]
    return clip


def test_gray_without_kb_or_fallback():
    frames, audio, rate = FrozenReconstructor()(assembled(), None)
    assert frames.shape == (30, 256, 256, 3) and frames.dtype == np.uint8 and (frames == 128).all()
    assert rate == 16_000 and audio.shape == (19_200,) and not audio.any()


def test_kb_reference_frame_of_the_speaker_else_the_fallback(tmp_path):
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
    fallback = np.zeros((256, 256, 3), np.uint8)
    zeros = np.zeros
    record = IdentityRecord(
        "bbaf2n", frame, zeros((468, 3), np.float32), zeros(12, np.float32), zeros(128, np.float32)
    )
    kb = KnowledgeBase(tmp_path / "kb.sqlite")
    try:
        kb.put(record)
        frozen = reconstructors(FrozenReconstructor(fallback))["V2A"]
        assert (frozen(assembled(), kb).frames == frame).all()
        assert not frozen(assembled("someone-else"), kb).frames.any()
    finally:
        kb.close()

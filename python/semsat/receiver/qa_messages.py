"""The semantic PDU format: round trips of real and synthetic clips, and a Rejection with a reason for every
kind of bad message."""

import dataclasses

import numpy as np
import pmt
import pytest
from gnuradio.semsat.receiver.clip_messages import clip_messages
from gnuradio.semsat.receiver.messages import (
    MAX_MESSAGE_BYTES,
    Rejection,
    SemanticMessage,
    parse,
)
from gnuradio.semsat.receiver.testing_clips import grid_features, synthetic_features
from gnuradio.semsat.semantic.extract.eyelids import eyelid_opening


def face_message(**change) -> SemanticMessage:
    return dataclasses.replace(clip_messages(synthetic_features(), "c", chunk_frames=5)[1], **change)


def reason(raw: bytes) -> str:
    result = parse(raw)
    assert isinstance(result, Rejection), result
    return result.reason


def with_meta(key: str, value: pmt.pmt_base) -> bytes:
    pdu = face_message().to_pdu()
    meta = pmt.dict_add(pmt.car(pdu), pmt.intern(key), value)
    return pmt.serialize_str(pmt.cons(meta, pmt.cdr(pdu)))


@pytest.mark.parametrize("mode", ["V2A", "A2V"])
def test_real_clip_round_trip(mode, request):
    features = grid_features(request.config.cache.mkdir("semsat-receiver"))
    messages = clip_messages(features, "grid-1", mode, epoch=3, chunk_frames=10)
    parsed = [parse(m.serialize()) for m in messages]
    assert all(isinstance(p, SemanticMessage) for p in parsed)
    streams = {p.stream: p for p in parsed}
    if mode == "V2A":
        faces = [p for p in parsed if p.stream == "face_params"]
        assert len(faces) == 8 and [p.seq for p in faces] == list(range(8))
        np.testing.assert_array_equal(np.concatenate([p.payload for p in faces]), features.face_params)
        eyelids = np.concatenate([p.payload for p in parsed if p.stream == "eyelids"])
        np.testing.assert_array_equal(eyelids, eyelid_opening(features.mesh468))
        assert "phonemes" not in streams
    else:
        np.testing.assert_array_equal(streams["phonemes"].payload, features.phonemes)
        np.testing.assert_array_equal(streams["durations"].payload, features.durations)
        keyframes = streams["face_keyframes"].payload
        np.testing.assert_array_equal(keyframes[:, 0], [0, 10, 20, 30, 40, 50, 60, 70, 74])
        np.testing.assert_array_equal(keyframes[:, 1:], features.face_params[keyframes[:, 0].astype(int)])
        assert "face_params" not in streams
    assert streams["text"].payload == features.text
    assert streams["control"].clip_frames == features.n_frames == 75
    assert {(p.clip, p.epoch, p.mode, p.speaker) for p in parsed} == {("grid-1", 3, mode, features.speaker)}


def test_round_trip_keeps_every_field():
    message = face_message(seq=2**63 + 5, epoch=2**64 - 1, n_symbols=640, codec="semantic-v1")
    parsed = parse(message.serialize())
    for field in dataclasses.fields(SemanticMessage):
        a, b = getattr(message, field.name), getattr(parsed, field.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, field.name


@pytest.mark.parametrize(
    "raw,words",
    [
        (b"", "truncated"),
        (b"garbage bytes", "not used by semantic messages"),
        (face_message().serialize()[:-7], "truncated"),
        (face_message().serialize() + b"\0", "1 bytes after"),
        # 11 bytes declaring a 16 GiB float vector: refused before pmt allocates anything.
        (bytes.fromhex("0a08ffffffff00") + bytes(4), "runs past the end"),
        (bytes.fromhex("0a0c0000000100"), "uniform vector type 12"),
        (bytes.fromhex("07") * 2000, "more than 1024"),
        (pmt.serialize_str(pmt.from_long(2**40)), "not a PDU"),
        (bytes.fromhex("0d0000000000000005"), "not canonical"),  # 5 spelled as int64
        (pmt.serialize_str(pmt.make_vector(1, pmt.PMT_T)), "tag 0x08"),
        (b"\0" * (MAX_MESSAGE_BYTES + 1), "oversized"),
        (pmt.serialize_str(pmt.from_long(3)), "not a PDU"),
        (pmt.serialize_str(pmt.cons(pmt.PMT_T, pmt.init_u8vector(1, [1]))), "meta is not"),
        (face_message(version=2).serialize(), "version 2"),
        (face_message(stream="video").serialize(), "'stream'"),
        (face_message(mode="SVC").serialize(), "'mode'"),
        (face_message(clip="").serialize(), "clip id"),
        (face_message(fps=0.5).serialize(), "fps"),
        (face_message(frame=28).serialize(), "'n_frames'"),
        (face_message(payload=np.full((5, 12), np.nan, np.float32)).serialize(), "NaN"),
        (face_message(payload=np.full((5, 12), 1e6, np.float32)).serialize(), "exceeds"),
        (face_message(payload=np.zeros((4, 12), np.float32)).serialize(), "expected 5 x 12"),
        (face_message(stream="text", payload="hi").serialize(), "whole clip"),
        (with_meta("seq", pmt.from_double(1.0)), "'seq' is not an integer"),
        (with_meta("seq", pmt.from_long(-1)), "'seq' = -1"),
        (with_meta("clip", pmt.from_long(1)), "'clip' is not a symbol"),
        (with_meta("fps", pmt.intern("fast")), "'fps' is not a real"),
    ],
)
def test_bad_messages_are_rejected_with_a_reason(raw, words):
    assert words in reason(raw)


def test_bad_payloads_of_whole_clip_streams():
    text, control = (m for m in clip_messages(synthetic_features(), "c") if m.stream in ("text", "control"))
    not_utf8 = pmt.init_u8vector(2, [0xFF, 0xFE])
    assert "UTF-8" in reason(pmt.serialize_str(pmt.cons(pmt.car(text.to_pdu()), not_utf8)))
    floats = pmt.init_f32vector(2, [1.0, 2.0])
    assert "must be a u8vector" in reason(pmt.serialize_str(pmt.cons(pmt.car(text.to_pdu()), floats)))
    face = face_message().to_pdu()
    assert "must be an f32vector" in reason(
        pmt.serialize_str(pmt.cons(pmt.car(face), pmt.cdr(text.to_pdu())))
    )
    a2v = {m.stream: m for m in clip_messages(synthetic_features(), "c", "A2V")}
    bad_ids = np.array([0, 99], np.int16)
    assert "phoneme ids" in reason(dataclasses.replace(a2v["phonemes"], payload=bad_ids).serialize())
    short = np.array([1, 2], np.int16)
    assert "sum to 3 frames" in reason(dataclasses.replace(a2v["durations"], payload=short).serialize())
    assert "control payload" in reason(dataclasses.replace(control, payload=b"stop").serialize())


def test_face_keyframes_are_validated():
    keyframes = {m.stream: m for m in clip_messages(synthetic_features(), "c", "A2V")}["face_keyframes"]
    rows = np.array(keyframes.payload)

    def with_rows(values: np.ndarray) -> str:
        return reason(dataclasses.replace(keyframes, payload=values).serialize())

    none = parse(dataclasses.replace(keyframes, payload=np.zeros((0, 13), np.float32)).serialize())
    assert isinstance(none, SemanticMessage) and none.payload.shape == (0, 13)  # pure A2V
    assert "strictly increasing" in with_rows(rows[::-1])
    late = rows.copy()
    late[-1, 0] = keyframes.clip_frames
    assert "whole numbers" in with_rows(late)
    nan = rows.copy()
    nan[0, 3] = np.nan
    assert "NaN" in with_rows(nan)
    assert "rows of 13" in with_rows(rows.reshape(-1)[:-1])


def test_eyelids_are_validated():
    face = face_message()
    eyelids = dataclasses.replace(face, stream="eyelids", payload=np.full(face.n_frames, 0.35, np.float32))
    parsed = parse(eyelids.serialize())
    assert isinstance(parsed, SemanticMessage) and np.allclose(parsed.payload, 0.35)

    def with_values(values: np.ndarray) -> str:
        return reason(dataclasses.replace(eyelids, payload=values.astype(np.float32)).serialize())

    assert "expected" in with_values(np.full(face.n_frames + 1, 0.35))
    for bad in (-0.1, 2.5, np.nan):
        assert "outside 0-2" in with_values(np.full(face.n_frames, bad))

"""The semantic PDU format over ZMQ (DESIGN.md, "Symbol PDUs" and "ZMQ to the reconstruction process").

A message is a GNU Radio PDU ``pmt.cons(meta, payload)`` as ``zeromq.pub_msg_sink`` publishes it: one ZMQ
frame holding ``pmt::serialize`` of the PDU, nothing else (no topic). Meta is a PMT dict:

| key | PMT type | meaning |
|---|---|---|
| version | integer | format version, MESSAGE_VERSION |
| stream | symbol | face_params, eyelids, face_keyframes, text, phonemes, durations or control |
| codec | symbol | how the payload was coded on the link (e.g. "clean", "semantic-v1"), informative |
| clip | symbol | clip id: 1-64 printable ASCII characters, unique per clip across publisher restarts |
| seq | integer | message number within (clip, stream), from 0 |
| epoch | integer | publisher session; a new value means the publisher restarted |
| mode | symbol | V2A or A2V |
| n_symbols | integer | channel symbols this message cost on the link |
| frame | integer | first video frame the payload covers (0 for whole-clip streams) |
| n_frames | integer | video frames the payload covers (the whole clip for whole-clip streams) |
| clip_frames | integer | video frames of the whole clip (T) |
| fps | real | video frame rate of the clip |
| speaker | symbol | knowledge-base handle of the speaker ("" when unknown) |

Payloads: face_params f32vector of n_frames x 12 values (row-major); eyelids f32vector of n_frames eye
openings (semantic/extract/eyelids.py; optional, V2A: without it the eyes stay as the reference's);
face_keyframes f32vector of K x 13 values, rows [frame, 12 face parameters] with frames strictly
increasing (K = 0: pure A2V, no video symbols; semantic/keyframes.py); text u8vector of UTF-8; phonemes
u8vector of ARPAbet ids; durations u8vector of little-endian uint16 video frames per phone (summing to
clip_frames); control u8vector b"end" (the clip is complete on the sender's side).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pmt

from ..semantic.extract.phonemes import PHONES
from ..semantic.features import FACE_PARAMS
from ..semantic.keyframes import KEYFRAME_COLUMNS, keyframe_problem
from .pmt_wire import structure_problem

MESSAGE_VERSION = 1
MAX_MESSAGE_BYTES = 1 << 20  # 1 MiB, serialized
MAX_CLIP_FRAMES = 90_000  # one hour at 25 fps
MAX_TEXT_BYTES = 16_384
FACE_PARAM_LIMIT = (
    100.0  # |value| above this is not a face parameter (rotation rad, ln scale, PCA coefficients)
)
END_OF_CLIP = b"end"
MODES = ("V2A", "A2V")
PER_FRAME_STREAMS = ("face_params", "eyelids")
WHOLE_CLIP_STREAMS = ("face_keyframes", "text", "phonemes", "durations", "control")
STREAMS = PER_FRAME_STREAMS + WHOLE_CLIP_STREAMS
MODE_STREAMS = {  # what a complete clip of each mode holds (optional streams are not waited for)
    "V2A": ("face_params", "text", "control"),
    "A2V": ("face_keyframes", "text", "phonemes", "durations", "control"),
}
MAX_EYELID_OPENING = 2.0  # eye height over width: an open eye is 0.3-0.4
_MAX_U64 = (1 << 64) - 1


@dataclass(frozen=True)
class SemanticMessage:
    """One validated message. ``payload``: float32 [n_frames, 12] for face_params, float32 [n_frames] for
    eyelids, float32 [K, 13] for face_keyframes, str for text, int16 [P] phoneme ids, int32 [P] durations
    (video frames), bytes for control."""

    stream: str
    clip: str
    seq: int
    epoch: int
    mode: str
    frame: int
    n_frames: int
    clip_frames: int
    fps: float
    payload: npt.NDArray[np.float32] | npt.NDArray[np.int16] | npt.NDArray[np.int32] | str | bytes
    codec: str = "clean"
    n_symbols: int = 0
    speaker: str = ""
    version: int = MESSAGE_VERSION

    def to_pdu(self) -> pmt.pmt_base:
        meta = pmt.make_dict()
        for key, value in (
            ("version", pmt.from_long(self.version)),
            ("stream", pmt.intern(self.stream)),
            ("codec", pmt.intern(self.codec)),
            ("clip", pmt.intern(self.clip)),
            ("seq", pmt.from_uint64(self.seq)),
            ("epoch", pmt.from_uint64(self.epoch)),
            ("mode", pmt.intern(self.mode)),
            ("n_symbols", pmt.from_long(self.n_symbols)),
            ("frame", pmt.from_long(self.frame)),
            ("n_frames", pmt.from_long(self.n_frames)),
            ("clip_frames", pmt.from_long(self.clip_frames)),
            ("fps", pmt.from_double(self.fps)),
            ("speaker", pmt.intern(self.speaker)),
        ):
            meta = pmt.dict_add(meta, pmt.intern(key), value)
        return pmt.cons(meta, _payload_pmt(self.stream, self.payload))

    def serialize(self) -> bytes:
        return bytes(pmt.serialize_str(self.to_pdu()))

    def with_epoch(self, epoch: int) -> SemanticMessage:
        return dataclasses.replace(self, epoch=epoch)


@dataclass(frozen=True)
class Rejection:
    """A message that breaks the format; ``reason`` says how (one line)."""

    reason: str


class MessageError(ValueError):
    """Raised inside parsing; turned into a Rejection."""


def _payload_pmt(stream: str, payload: object) -> pmt.pmt_base:
    if stream in ("face_params", "eyelids", "face_keyframes"):
        values = np.ascontiguousarray(payload, dtype=np.float32).reshape(-1)
        return pmt.init_f32vector(values.size, values.tolist())
    if stream == "text":
        data = str(payload).encode("utf-8")
    elif stream == "phonemes":
        data = np.asarray(payload, dtype=np.uint8).tobytes()
    elif stream == "durations":
        data = np.asarray(payload, dtype="<u2").tobytes()
    else:
        data = bytes(payload)  # type: ignore[arg-type]
    return pmt.init_u8vector(len(data), list(data))


def parse(raw: bytes) -> SemanticMessage | Rejection:
    """Validates PMT-serialized bytes; never raises for bad input."""
    if len(raw) > MAX_MESSAGE_BYTES:
        return Rejection(f"oversized: {len(raw)} bytes > {MAX_MESSAGE_BYTES}")
    problem = structure_problem(raw)
    if problem:
        return Rejection(f"not a PMT serialization: {problem}")
    try:
        pdu = pmt.deserialize_str(raw)
    except (RuntimeError, MemoryError) as e:  # structure_problem leaves only malformed contents
        return Rejection(f"not a PMT serialization ({e})")
    try:
        # Only the canonical encoding of what was read is accepted (no alternative spellings of a PDU).
        if bytes(pmt.serialize_str(pdu)) != bytes(raw):
            return Rejection("not a PMT serialization: not canonical")
        return from_pdu(pdu)
    except MessageError as e:
        return Rejection(str(e))


def from_pdu(pdu: pmt.pmt_base) -> SemanticMessage:
    """Validates a PDU object; raises MessageError naming the first problem."""
    if not pmt.is_pair(pdu) or pmt.is_null(pdu):
        raise MessageError("not a PDU (expected a pair of meta dict and vector)")
    meta, vector = pmt.car(pdu), pmt.cdr(pdu)
    if not pmt.is_dict(meta) or pmt.is_null(meta):
        raise MessageError("PDU meta is not a non-empty dict")
    version = _integer(meta, "version", 0, _MAX_U64)
    if version != MESSAGE_VERSION:
        raise MessageError(f"version {version}, this receiver reads version {MESSAGE_VERSION}")
    stream = _choice(meta, "stream", STREAMS)
    mode = _choice(meta, "mode", MODES)
    clip = _symbol(meta, "clip", 64)
    if not clip or not clip.isascii() or not clip.isprintable():
        raise MessageError("clip id must be 1-64 printable ASCII characters")
    clip_frames = _integer(meta, "clip_frames", 1, MAX_CLIP_FRAMES)
    frame = _integer(meta, "frame", 0, clip_frames - 1)
    n_frames = _integer(meta, "n_frames", 1, clip_frames - frame)
    if stream in WHOLE_CLIP_STREAMS and (frame, n_frames) != (0, clip_frames):
        raise MessageError(f"{stream} covers the whole clip: frame must be 0 and n_frames {clip_frames}")
    fps = _real(meta, "fps")
    if not (math.isfinite(fps) and 1.0 <= fps <= 120.0):
        raise MessageError(f"fps {fps} outside 1-120")
    fields = dict(
        stream=stream,
        clip=clip,
        seq=_integer(meta, "seq", 0, _MAX_U64),
        epoch=_integer(meta, "epoch", 0, _MAX_U64),
        mode=mode,
        frame=frame,
        n_frames=n_frames,
        clip_frames=clip_frames,
        fps=fps,
        codec=_symbol(meta, "codec", 64),
        n_symbols=_integer(meta, "n_symbols", 0, 1 << 32),
        speaker=_symbol(meta, "speaker", 128),
    )
    return SemanticMessage(payload=_payload(stream, vector, n_frames, clip_frames), **fields)


def _get(meta: pmt.pmt_base, key: str) -> pmt.pmt_base:
    value = pmt.dict_ref(meta, pmt.intern(key), pmt.PMT_NIL)
    if pmt.is_null(value):
        raise MessageError(f"meta has no {key!r}")
    return value


def _integer(meta: pmt.pmt_base, key: str, low: int, high: int) -> int:
    value = _get(meta, key)
    if pmt.is_uint64(value):
        number = pmt.to_uint64(value)
    elif pmt.is_integer(value):
        number = pmt.to_long(value)
    else:
        raise MessageError(f"meta {key!r} is not an integer")
    if not low <= number <= high:
        raise MessageError(f"meta {key!r} = {number} outside {low}-{high}")
    return int(number)


def _real(meta: pmt.pmt_base, key: str) -> float:
    value = _get(meta, key)
    if not pmt.is_real(value):
        raise MessageError(f"meta {key!r} is not a real number")
    return float(pmt.to_double(value))


def _symbol(meta: pmt.pmt_base, key: str, max_length: int) -> str:
    value = _get(meta, key)
    if not pmt.is_symbol(value):
        raise MessageError(f"meta {key!r} is not a symbol")
    text = pmt.symbol_to_string(value)
    if len(text) > max_length:
        raise MessageError(f"meta {key!r} longer than {max_length} characters")
    return text


def _choice(meta: pmt.pmt_base, key: str, allowed: tuple[str, ...]) -> str:
    text = _symbol(meta, key, 64)
    if text not in allowed:
        raise MessageError(f"meta {key!r} = {text!r}, expected one of {', '.join(allowed)}")
    return text


def _keyframes(vector: pmt.pmt_base, clip_frames: int) -> npt.NDArray[np.float32]:
    if not pmt.is_f32vector(vector):
        raise MessageError("face_keyframes payload must be an f32vector")
    values = np.asarray(pmt.f32vector_elements(vector), dtype=np.float32)
    if values.size % KEYFRAME_COLUMNS or values.size > clip_frames * KEYFRAME_COLUMNS:
        raise MessageError(f"face_keyframes: {values.size} values are not up to {clip_frames} rows of 13")
    rows = values.reshape(-1, KEYFRAME_COLUMNS)
    problem = keyframe_problem(rows, clip_frames)
    if problem:
        raise MessageError(f"face_keyframes: {problem}")
    if np.any(np.abs(rows[:, 1:]) > FACE_PARAM_LIMIT):
        raise MessageError(f"face_keyframes payload exceeds +-{FACE_PARAM_LIMIT:g}")
    return rows


def _payload(stream: str, vector: pmt.pmt_base, n_frames: int, clip_frames: int):
    if stream == "face_params":
        if not pmt.is_f32vector(vector):
            raise MessageError("face_params payload must be an f32vector")
        values = np.asarray(pmt.f32vector_elements(vector), dtype=np.float32)
        if values.size != n_frames * FACE_PARAMS:
            raise MessageError(f"face_params payload holds {values.size} values, expected {n_frames} x 12")
        if not np.all(np.isfinite(values)):
            raise MessageError("face_params payload holds NaN or inf")
        if np.any(np.abs(values) > FACE_PARAM_LIMIT):
            raise MessageError(f"face_params payload exceeds +-{FACE_PARAM_LIMIT:g}")
        return values.reshape(n_frames, FACE_PARAMS)
    if stream == "eyelids":
        if not pmt.is_f32vector(vector):
            raise MessageError("eyelids payload must be an f32vector")
        values = np.asarray(pmt.f32vector_elements(vector), dtype=np.float32)
        if values.size != n_frames:
            raise MessageError(f"eyelids payload holds {values.size} values, expected {n_frames}")
        if not np.all((values >= 0) & (values <= MAX_EYELID_OPENING)):  # NaN fails too
            raise MessageError(f"eyelids payload outside 0-{MAX_EYELID_OPENING:g} (or NaN)")
        return values
    if stream == "face_keyframes":
        return _keyframes(vector, clip_frames)
    if not pmt.is_u8vector(vector):
        raise MessageError(f"{stream} payload must be a u8vector")
    data = bytes(pmt.u8vector_elements(vector))
    if stream == "text":
        if len(data) > MAX_TEXT_BYTES:
            raise MessageError(f"text longer than {MAX_TEXT_BYTES} bytes")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise MessageError("text payload is not UTF-8") from None
    if stream == "phonemes":
        ids = np.frombuffer(data, dtype=np.uint8)
        if ids.size == 0 or np.any(ids >= len(PHONES)):
            raise MessageError(f"phoneme ids must be 1+ values in 0..{len(PHONES) - 1}")
        return ids.astype(np.int16)
    if stream == "durations":
        if len(data) == 0 or len(data) % 2:
            raise MessageError("durations payload must hold 1+ uint16 values")
        frames = np.frombuffer(data, dtype="<u2").astype(np.int64)
        if int(frames.sum()) != clip_frames:
            raise MessageError(f"durations sum to {int(frames.sum())} frames, the clip has {clip_frames}")
        return frames.astype(np.int32)
    if data != END_OF_CLIP:
        raise MessageError(f"unknown control payload {data[:16]!r}")
    return data

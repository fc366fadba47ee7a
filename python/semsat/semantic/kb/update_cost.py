"""What a knowledge-base update costs on the digital path: real compressed bytes → coded bits → symbols.

Codec: JPEG at quality ``JPEG_QUALITY`` 85 through OpenCV (libjpeg), for the reference frame and
the open-mouth and closed-eye frames when there are. JPEG decodes everywhere, is fast, and at q=85 a 256x256
face crop costs ~10-20 kB at ~38-42 dB PSNR; WebP would save some bytes but AVIF is not in this OpenCV build.
Side information travels beside the images: the 12 reference parameters (float32), the meshes and the
identity embedding as float16, the hair-follow share (float32), the texture offsets as int8 with one
float32 scale per row (``encode_offsets``: 9,400 bytes, steps of at most 1/127 of a row's largest offset),
the voice profile as compact UTF-8 JSON and the speaker handle.

The digital path (DESIGN.md: LDPC + Gray QAM behind a BPSK PL header) adds an update header of
``HEADER_BYTES`` (speaker id, version, part lengths, codec) and a CRC-32, then:
``coded_bits = ceil(bits / code_rate)``, ``symbols = ceil(coded_bits / bits_per_symbol)``. The OFDM
layer's pilots and preambles are counted there, not here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from .record import TEXTURE_OFFSETS_SHAPE, IdentityRecord

JPEG_QUALITY = 85
HEADER_BYTES = 16
CRC_BYTES = 4
BITS_PER_SYMBOL = {"qpsk": 2, "16qam": 4, "64qam": 6}
_OFFSET_ROWS = TEXTURE_OFFSETS_SHAPE[0]
OFFSETS_BYTES = _OFFSET_ROWS * 4 + int(np.prod(TEXTURE_OFFSETS_SHAPE))  # float32 scales, then int8 values


@dataclass(frozen=True)
class UpdateCost:
    """Bytes of one update (images, side information, header and CRC), its coded bits and symbols."""

    bytes: int
    image_bytes: int
    coded_bits: int
    symbols: int
    modulation: str
    code_rate: float


def encode_jpeg(frame: npt.NDArray[np.uint8], quality: int = JPEG_QUALITY) -> bytes:
    """An RGB frame as JPEG bytes at ``quality`` (1-100)."""
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality must be in 1..100, got {quality}")
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError(f"JPEG encoding of a {frame.dtype}{list(frame.shape)} frame failed")
    return encoded.tobytes()


def decode_jpeg(data: bytes) -> npt.NDArray[np.uint8]:
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("undecodable JPEG bytes")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def encode_offsets(offsets: npt.NDArray[np.float32]) -> bytes:
    """Texture offsets [10, 468, 2] as one float32 scale per row, then int8 values (row / scale)."""
    rows = np.asarray(offsets, dtype=np.float32).reshape(_OFFSET_ROWS, -1)
    scales = np.maximum(np.abs(rows).max(axis=1), np.finfo(np.float32).tiny) / 127
    values = np.round(rows / scales[:, None]).astype(np.int8)
    return scales.astype("<f4").tobytes() + values.tobytes()


def decode_offsets(data: bytes) -> npt.NDArray[np.float32]:
    if len(data) != OFFSETS_BYTES:
        raise ValueError(f"texture offsets of {TEXTURE_OFFSETS_SHAPE} cannot be {len(data)} bytes")
    scales = np.frombuffer(data[: _OFFSET_ROWS * 4], "<f4")
    values = np.frombuffer(data[_OFFSET_ROWS * 4 :], np.int8).reshape(_OFFSET_ROWS, -1)
    return (values * scales[:, None]).reshape(TEXTURE_OFFSETS_SHAPE).astype(np.float32)


def as_received(record: IdentityRecord, quality: int = JPEG_QUALITY) -> IdentityRecord:
    """The record as the receiver decodes it (frames through the JPEG codec, texture offsets through their
    int8 coding): what both ends should store, so that the transmitter's own reconstruction (policy L1) sees
    the receiver's reference."""

    def through_jpeg(frame: npt.NDArray[np.uint8] | None) -> npt.NDArray[np.uint8] | None:
        return None if frame is None else decode_jpeg(encode_jpeg(frame, quality))

    return replace(
        record,
        reference_frame=through_jpeg(record.reference_frame),
        open_mouth_frame=through_jpeg(record.open_mouth_frame),
        closed_eye_frame=through_jpeg(record.closed_eye_frame),
        texture_offsets=None
        if record.texture_offsets is None
        else decode_offsets(encode_offsets(record.texture_offsets)),
    )


def update_symbols(
    record: IdentityRecord, modulation: str = "qpsk", code_rate: float = 0.5, quality: int = JPEG_QUALITY
) -> UpdateCost:
    """The cost of sending ``record`` at ``modulation`` (qpsk, 16qam, 64qam) and LDPC ``code_rate``."""
    if modulation not in BITS_PER_SYMBOL:
        raise ValueError(f"modulation must be one of {sorted(BITS_PER_SYMBOL)}, got {modulation!r}")
    if not 0 < code_rate <= 1:
        raise ValueError(f"code rate must be in (0, 1], got {code_rate}")
    frames = (record.reference_frame, record.open_mouth_frame, record.closed_eye_frame)
    images = [f for f in frames if f is not None]
    image_bytes = sum(len(encode_jpeg(image, quality)) for image in images)
    total = image_bytes + _side_bytes(record) + HEADER_BYTES + CRC_BYTES
    coded_bits = math.ceil(8 * total / code_rate)
    symbols = math.ceil(coded_bits / BITS_PER_SYMBOL[modulation])
    return UpdateCost(total, image_bytes, coded_bits, symbols, modulation, code_rate)


def _side_bytes(record: IdentityRecord) -> int:
    all_meshes = (record.reference_mesh, record.open_mouth_mesh, record.closed_eye_mesh)
    meshes = [m for m in all_meshes if m is not None]
    voice = b"" if record.voice is None else json.dumps(record.voice, separators=(",", ":")).encode()
    return (
        record.reference_params.astype(np.float32).nbytes
        + sum(mesh.astype(np.float16).nbytes for mesh in meshes)
        + record.embedding.astype(np.float16).nbytes
        + (0 if record.hair_follow is None else np.float32().nbytes)
        + (0 if record.texture_offsets is None else OFFSETS_BYTES)
        + len(voice)
        + len(record.speaker.encode())
    )

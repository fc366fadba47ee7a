"""A knowledge-base update as bytes for the digital path, split into packets, and back.

The bytes are what update_cost.update_symbols prices: the reference (and open-mouth and closed-eye) frames
as JPEG q 85, the 12 reference parameters and the hair-follow share as float32, the meshes and the identity
embedding as float16, the texture offsets as scaled int8, the voice profile as compact JSON and the
speaker handle, behind a JSON table of contents. Each packet carries ``PACKET_HEADER`` (update id, packet
index, packet count) and up to ``PACKET_BYTES`` of the update; the digital path adds its CRC-32 and LDPC,
so a packet arrives whole or not at all. The receiver rebuilds the record only from every packet of one
update id (``UpdateAssembler``).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

import numpy as np

from ..semantic.kb.record import (
    EMBEDDING_SHAPE,
    MESH_SHAPE,
    OPTIONAL_PAIRS,
    PARAMS_SHAPE,
    IdentityRecord,
)
from ..semantic.kb.update_cost import decode_jpeg, decode_offsets, encode_jpeg, encode_offsets

PACKET_BYTES = 1500
PACKET_HEADER = struct.Struct("<HHH")  # update id, packet index, packet count


def _parts(record: IdentityRecord) -> dict[str, bytes]:
    parts = {
        "reference_frame": encode_jpeg(record.reference_frame),
        "reference_mesh": record.reference_mesh.astype("<f2").tobytes(),
        "reference_params": record.reference_params.astype("<f4").tobytes(),
        "embedding": record.embedding.astype("<f2").tobytes(),
    }
    for pair in OPTIONAL_PAIRS:
        frame, mesh = getattr(record, f"{pair}_frame"), getattr(record, f"{pair}_mesh")
        if frame is not None and mesh is not None:
            parts[f"{pair}_frame"] = encode_jpeg(frame)
            parts[f"{pair}_mesh"] = mesh.astype("<f2").tobytes()
    if record.hair_follow is not None:
        parts["hair_follow"] = np.float32(record.hair_follow).astype("<f4").tobytes()
    if record.texture_offsets is not None:
        parts["texture_offsets"] = encode_offsets(record.texture_offsets)
    if record.voice is not None:
        parts["voice"] = json.dumps(record.voice, separators=(",", ":")).encode()
    return parts


def record_to_bytes(record: IdentityRecord) -> bytes:
    parts = _parts(record)
    contents = json.dumps(
        {"speaker": record.speaker, "parts": [[name, len(data)] for name, data in parts.items()]},
        separators=(",", ":"),
    ).encode()
    return struct.pack("<H", len(contents)) + contents + b"".join(parts.values())


def _mesh(data: bytes) -> np.ndarray:
    return np.frombuffer(data, "<f2").reshape(MESH_SHAPE).astype(np.float32)


def record_from_bytes(data: bytes) -> IdentityRecord:
    """The record as the receiver decodes it (frames through JPEG); ValueError for bytes that are not one."""
    try:
        (n,) = struct.unpack_from("<H", data)
        contents = json.loads(data[2 : 2 + n])
        position, parts = 2 + n, {}
        for name, size in contents["parts"]:
            parts[name] = data[position : position + size]
            position += size
        if position != len(data):
            raise ValueError(f"{len(data) - position} bytes left over")
        optional = {
            f"{pair}_{kind}": (decode_jpeg if kind == "frame" else _mesh)(parts[f"{pair}_{kind}"])
            for pair in OPTIONAL_PAIRS
            for kind in ("frame", "mesh")
            if f"{pair}_{kind}" in parts
        }
        hair = parts.get("hair_follow")
        texture = parts.get("texture_offsets")
        return IdentityRecord(
            speaker=str(contents["speaker"]),
            reference_frame=decode_jpeg(parts["reference_frame"]),
            reference_mesh=_mesh(parts["reference_mesh"]),
            reference_params=np.frombuffer(parts["reference_params"], "<f4").reshape(PARAMS_SHAPE).copy(),
            embedding=np.frombuffer(parts["embedding"], "<f2").reshape(EMBEDDING_SHAPE).astype(np.float32),
            hair_follow=None if hair is None else float(np.frombuffer(hair, "<f4")[0]),
            texture_offsets=None if texture is None else decode_offsets(texture),
            **optional,
            voice=json.loads(parts["voice"]) if "voice" in parts else None,
        ).validate()
    except (KeyError, TypeError, struct.error, json.JSONDecodeError) as e:
        raise ValueError(f"not a knowledge-base update: {e}") from None


def update_packets(record: IdentityRecord, update_id: int) -> list[bytes]:
    data = record_to_bytes(record)
    chunks = [data[i : i + PACKET_BYTES] for i in range(0, len(data), PACKET_BYTES)]
    return [PACKET_HEADER.pack(update_id, i, len(chunks)) + chunk for i, chunk in enumerate(chunks)]


@dataclass
class UpdateAssembler:
    """Collects update packets (any order, duplicates ignored) until one update is whole."""

    chunks: dict[int, dict[int, bytes]] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)

    def add(self, packet: bytes) -> IdentityRecord | None:
        """The record once its last missing packet arrives, else None; ValueError for a malformed packet."""
        if len(packet) <= PACKET_HEADER.size:
            raise ValueError(f"update packet of {len(packet)} bytes")
        update_id, index, count = PACKET_HEADER.unpack_from(packet)
        if not index < count or self.counts.setdefault(update_id, count) != count:
            raise ValueError(f"update {update_id}: packet {index} of {count} does not fit")
        chunks = self.chunks.setdefault(update_id, {})
        if index in chunks:
            return None
        chunks[index] = packet[PACKET_HEADER.size :]
        if len(chunks) < count:
            return None
        return record_from_bytes(b"".join(chunks[i] for i in range(count)))

    def missing(self, update_id: int, count: int) -> list[int]:
        have = self.chunks.get(update_id, {})
        return [i for i in range(count) if i not in have]

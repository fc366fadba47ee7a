"""A byte stream (a video bitstream) as digital-path packets of one codeword each, and back.

Packet i carries bytes [i * CHUNK, (i + 1) * CHUNK) of the stream after a one-byte header whose bit 0 marks
the stream's last packet. A lost packet leaves a hole whose size the receiver knows but whose content it
cannot guess; an inter-coded bitstream is only decodable up to its first hole, so the receiver keeps the
received prefix and learns from the flag whether that prefix is the whole stream or was cut.
"""

from __future__ import annotations

from dataclasses import dataclass

from .budget import codeword_payload_bytes, payloads_symbols

HEADER_BYTES = 1
LAST = 0x01


def chunk_bytes() -> int:
    return codeword_payload_bytes() - HEADER_BYTES


def chunk_stream(stream: bytes) -> list[bytes]:
    if not stream:
        raise ValueError("an empty stream has no packets")
    size = chunk_bytes()
    pieces = [stream[i : i + size] for i in range(0, len(stream), size)]
    return [bytes([LAST if i == len(pieces) - 1 else 0]) + piece for i, piece in enumerate(pieces)]


def stream_symbols(n_bytes: int) -> int:
    """Channel symbols of a stream of ``n_bytes`` bytes sent by ``chunk_stream``."""
    size = chunk_bytes()
    full, rest = divmod(n_bytes, size)
    sizes = [size + HEADER_BYTES] * full + ([rest + HEADER_BYTES] if rest else [])
    return payloads_symbols(sizes)


@dataclass(frozen=True)
class ReceivedPrefix:
    data: bytes  # the stream up to its first missing packet
    complete: bool  # the prefix is the whole stream (its last packet arrived, nothing before was lost)
    packets: int  # packets in the prefix


def received_prefix(packets: dict[int, bytes]) -> ReceivedPrefix:
    """The stream's bytes up to the first lost packet; a malformed packet (no header) ends it like a loss."""
    data = bytearray()
    index = 0
    while index in packets and len(packets[index]) > HEADER_BYTES:
        data += packets[index][HEADER_BYTES:]
        if packets[index][0] & LAST:
            return ReceivedPrefix(bytes(data), True, index + 1)
        index += 1
    return ReceivedPrefix(bytes(data), False, index)

"""Packet framing of the digital path: length field, CRC-32, LDPC shortening, symbol padding, interleaving.

Information bits of a packet of L bytes (MSB first):  [L: 16 bits][payload: 8L bits][CRC-32: 32 bits][zeros]
CRC-32 (IEEE 802.3, zlib's) covers the length field and the payload. They fill ceil(B/k) codewords of an
(n, k) code; the unused information positions of the last codeword are zeros that are not sent (shortening,
as in 5G NR): the receiver knows them and gives them certain LLRs. The sent bits are padded to whole symbols.

The receiver only learns the symbol count (`rx_len`). `Layout.from_symbols` inverts `Layout.for_payload`:
the transmitter first fills the last codeword with extra known zeros so that the sent bits end on a symbol
boundary, and only pads after the code bits when the last codeword is full, so every symbol count maps to
at most one layout.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np
import numpy.typing as npt

LENGTH_BITS = 16
CRC_BITS = 32
OVERHEAD_BITS = LENGTH_BITS + CRC_BITS
MAX_PAYLOAD_BYTES = (1 << LENGTH_BITS) - 1


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where the bits of one packet go, for an (n, k) code and m bits per symbol."""

    n: int
    k: int
    bits_per_symbol: int
    codewords: int
    info_bits: int  # B: information bits carried (length, payload, CRC and known zeros), <= codewords * k

    @property
    def shortened(self) -> int:
        """Information positions of the last codeword that are known zeros and not sent."""
        return self.codewords * self.k - self.info_bits

    @property
    def sent_code_bits(self) -> int:
        return self.codewords * self.n - self.shortened

    @property
    def symbols(self) -> int:
        return -(-self.sent_code_bits // self.bits_per_symbol)

    @property
    def sent_bits(self) -> int:
        """Code bits plus the padding to a whole number of symbols."""
        return self.symbols * self.bits_per_symbol

    @classmethod
    def for_payload(cls, payload_bytes: int, n: int, k: int, bits_per_symbol: int) -> Layout:
        if not 1 <= payload_bytes <= MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload must be 1..{MAX_PAYLOAD_BYTES} bytes, got {payload_bytes}")
        needed = OVERHEAD_BITS + 8 * payload_bytes
        codewords = -(-needed // k)
        # Known zeros that make the sent code bits a multiple of m, as far as the last codeword has room.
        extra = -(codewords * (n - k) + needed) % bits_per_symbol
        info_bits = min(needed + extra, codewords * k)
        return cls(n, k, bits_per_symbol, codewords, info_bits)

    @classmethod
    def from_symbols(cls, symbols: int, n: int, k: int, bits_per_symbol: int) -> Layout | None:
        """The layout that produced `symbols` symbols, or None when no packet has that many."""
        if symbols <= 0:
            return None
        total = symbols * bits_per_symbol
        codewords = -(-total // n)
        if total > codewords * n - k:
            # Sent bits end inside the last codeword's parity-plus-info span: shortened, no symbol padding.
            layout = cls(n, k, bits_per_symbol, codewords, total - codewords * (n - k))
        else:
            # Full last codeword followed by symbol padding (only when n is not a multiple of m).
            layout = cls(n, k, bits_per_symbol, codewords - 1, (codewords - 1) * k)
        if layout.codewords < 1 or layout.info_bits < OVERHEAD_BITS + 8 or layout.symbols != symbols:
            return None
        return layout

    def max_payload_bytes(self) -> int:
        return min((self.info_bits - OVERHEAD_BITS) // 8, MAX_PAYLOAD_BYTES)


def info_bits(payload: bytes, layout: Layout) -> npt.NDArray[np.uint8]:
    """The codewords' information bits (codewords * k) for a payload: header, payload, CRC, zeros."""
    framed = len(payload).to_bytes(2, "big") + payload
    framed += zlib.crc32(framed).to_bytes(4, "big")
    bits = np.zeros(layout.codewords * layout.k, dtype=np.uint8)
    bits[: 8 * len(framed)] = np.unpackbits(np.frombuffer(framed, dtype=np.uint8))
    return bits


def parse_info_bits(bits: npt.NDArray[np.uint8], layout: Layout) -> bytes | None:
    """The payload when the length fits, the CRC matches and the known zeros are zeros; else None."""
    carried = bits[: layout.info_bits]
    length = int.from_bytes(np.packbits(carried[:LENGTH_BITS]).tobytes(), "big")
    if not 1 <= length <= layout.max_payload_bytes():
        return None
    end = OVERHEAD_BITS + 8 * length
    if carried[end:].any():
        return None
    framed = np.packbits(carried[: end - CRC_BITS]).tobytes()
    crc = int.from_bytes(np.packbits(carried[end - CRC_BITS : end]).tobytes(), "big")
    if zlib.crc32(framed) != crc:
        return None
    return framed[2:]


def interleave(bits: npt.NDArray, bits_per_symbol: int) -> npt.NDArray:
    """Column-row interleaver: symbol j carries bits j, j+S, j+2S, ... of the S-symbol block.

    The m bits of one symbol come from m distant parts of the codewords, so the unequal reliability of
    the bit positions of 16/64QAM is spread over each codeword instead of hitting neighbouring bits.
    """
    return bits.reshape(bits_per_symbol, -1).T.ravel()


def deinterleave(values: npt.NDArray, bits_per_symbol: int) -> npt.NDArray:
    return values.reshape(-1, bits_per_symbol).T.ravel()

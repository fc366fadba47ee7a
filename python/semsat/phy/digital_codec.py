"""Bytes <-> QAM symbols for the digital path: framing + CRC-32, LDPC (gr-fec), interleaving, Gray QAM."""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

from .framing import Layout, deinterleave, info_bits, interleave, parse_info_bits
from .ldpc import DEFAULT_CODE, LLR_MAX, LdpcCode
from .qam import BITS_PER_SYMBOL, Constellation, FrameType


@dataclasses.dataclass(frozen=True)
class Decoded:
    """Outcome of decoding one frame: the payload, or None with the reason it was dropped."""

    payload: bytes | None
    reason: str  # "ok", "crc", "bad_length", "bad_symbols"
    iterations: float = 0.0


class DigitalCodec:
    """One LDPC code with all three modulations; the modulation is chosen per packet by its FrameType."""

    def __init__(self, code: str = DEFAULT_CODE, max_iterations: int = 50, interleaving: bool = True) -> None:
        self.code = LdpcCode(code, max_iterations)
        self.interleaving = interleaving
        self.constellations = {t: Constellation(t) for t in BITS_PER_SYMBOL}

    def layout(self, payload_bytes: int, frame_type: FrameType) -> Layout:
        return Layout.for_payload(payload_bytes, self.code.n, self.code.k, BITS_PER_SYMBOL[frame_type])

    def encode(self, payload: bytes, frame_type: FrameType) -> npt.NDArray[np.complex64]:
        layout = self.layout(len(payload), frame_type)
        code_bits = self.code.encode(info_bits(payload, layout))
        sent = np.zeros(layout.sent_bits, dtype=np.uint8)
        sent[: layout.sent_code_bits] = code_bits[: layout.sent_code_bits]
        if self.interleaving:
            sent = interleave(sent, layout.bits_per_symbol)
        return self.constellations[frame_type].map(sent).astype(np.complex64)

    def decode(self, symbols: npt.ArrayLike, noise_var: npt.ArrayLike, frame_type: FrameType) -> Decoded:
        """Payload from equalised symbols and their noise variance N0 (scalar or one per symbol)."""
        symbols = np.asarray(symbols, dtype=np.complex128)
        noise_var = np.broadcast_to(np.asarray(noise_var, dtype=np.float64), symbols.shape)
        if not (np.isfinite(symbols).all() and np.isfinite(noise_var).all() and (noise_var >= 0).all()):
            return Decoded(None, "bad_symbols")
        m = BITS_PER_SYMBOL[frame_type]
        layout = Layout.from_symbols(symbols.size, self.code.n, self.code.k, m)
        if layout is None:
            return Decoded(None, "bad_length")
        # A zero variance (perfect channel estimate) would make infinite LLRs; the decoder clips them anyway.
        llrs = self.constellations[frame_type].llr(symbols, np.maximum(noise_var, 1e-12))
        if self.interleaving:
            llrs = deinterleave(llrs, m)
        coded = np.empty(layout.codewords * self.code.n)
        coded[: layout.sent_code_bits] = llrs[: layout.sent_code_bits]
        # The shortened positions are the tail of the last codeword's information bits: certain zeros.
        coded[layout.sent_code_bits :] = -LLR_MAX
        info, iterations = self.code.decode(coded)
        payload = parse_info_bits(info, layout)
        return Decoded(payload, "ok" if payload is not None else "crc", iterations)

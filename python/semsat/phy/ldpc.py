"""LDPC codes from gr-fec: alist parity-check matrices, cldpc systematic encoding, belief propagation.

Encoding is gr-fec's `ldpc_encoder` (cldpc, systematic). Decoding is `belief_propagation` on the same alist
matrix: sum-product in the LLR domain. gr-fec's own soft decoder (`ldpc_decoder`, awgn_bp) collapses to the
all-zero word when its likelihood ratios overflow, most on shortened codewords with faded carriers, and so
lost packets over NTN-TDL-A that belief propagation gets (docs/digital-path.md); gr-fec's other encoders
only pair with a hard-decision decoder.

The encoder object is driven directly through `generic_work`, whose Python binding takes raw buffer
pointers as PyCapsules; this keeps one codeword's work one call instead of a flowgraph per packet.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
from gnuradio import fec, gr

from .belief_propagation import BeliefPropagation

DEFAULT_CODE = "n_1800_k_0902_gap_28.alist"

# The LLR of a certain bit (shortened positions) and the clip of channel LLRs: a probability of 1e-13 of
# error is certainty for any packet, and bounded inputs keep the decoder's sums well inside float64.
LLR_MAX = 30.0

_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]


def _pointer(array: np.ndarray) -> object:
    """A capsule of the array's data pointer; the caller keeps the (contiguous) array alive meanwhile."""
    return _capsule_new(array.ctypes.data, None, None)


def alist_path(code: str) -> Path:
    """An alist file: a path as given, else a name in GNU Radio's share/gnuradio/fec/ldpc."""
    path = Path(code)
    if not path.is_file():
        path = Path(gr.prefix()) / "share" / "gnuradio" / "fec" / "ldpc" / code
    if not path.is_file():
        raise ValueError(f"no LDPC alist file {code!r} (give a path or a name in {path.parent})")
    return path


class LdpcCode:
    """One (n, k) LDPC code: encode k info bits -> n code bits, decode n LLRs -> k info bits.

    The codeword is systematic with the information bits in its last k positions (`info_positions`),
    which is what lets the framing shorten the last codeword of a packet.
    """

    def __init__(self, code: str = DEFAULT_CODE, max_iterations: int = 50) -> None:
        self.path = alist_path(code)
        self.name = os.path.basename(self.path)
        self._encoder = fec.ldpc_encoder_make(str(self.path))
        self._decoder = BeliefPropagation.from_alist(self.path, max_iterations)
        self.k = int(self._encoder.get_input_size())
        self.n = int(self._encoder.get_output_size())
        if self._decoder.n != self.n:
            raise ValueError(f"{self.name}: {self._decoder.n} parity-check columns for n = {self.n}")
        self.info_positions = np.arange(self.n - self.k, self.n)
        self._check_systematic()

    @property
    def rate(self) -> float:
        return self.k / self.n

    def encode(self, info: npt.ArrayLike) -> npt.NDArray[np.uint8]:
        """Code bits for info bits (a whole number of k-bit blocks), one codeword after another."""
        info = np.ascontiguousarray(info, dtype=np.uint8)
        if info.size % self.k:
            raise ValueError(f"{info.size} info bits are not a whole number of {self.k}-bit blocks")
        blocks = info.reshape(-1, self.k)
        out = np.empty((len(blocks), self.n), dtype=np.uint8)
        for block, codeword in zip(blocks, out, strict=True):
            self._encoder.generic_work(_pointer(block), _pointer(codeword))
        return out.ravel()

    def decode(self, llrs: npt.ArrayLike) -> tuple[npt.NDArray[np.uint8], float]:
        """Info bits from LLRs (positive = bit 1), one codeword after another, and the mean BP iterations."""
        llrs = np.asarray(llrs, dtype=np.float64)
        if llrs.size % self.n:
            raise ValueError(f"{llrs.size} LLRs are not a whole number of {self.n}-bit codewords")
        blocks = np.clip(llrs, -LLR_MAX, LLR_MAX).reshape(-1, self.n)
        out = np.empty((len(blocks), self.k), dtype=np.uint8)
        iterations = 0
        for block, info in zip(blocks, out, strict=True):
            bits, used = self._decoder.decode(block)
            info[:] = bits[self.info_positions]
            iterations += used
        return out.ravel(), iterations / max(len(blocks), 1)

    def _check_systematic(self) -> None:
        probe = np.random.default_rng(0).integers(0, 2, self.k, dtype=np.uint8)
        codeword = self.encode(probe)
        if not np.array_equal(codeword[self.info_positions], probe):
            raise ValueError(f"{self.name}: gr-fec's codeword does not end with the information bits")
        if not self._decoder.is_codeword(codeword):
            raise ValueError(f"{self.name}: gr-fec's codeword fails the alist's parity checks")

"""LDPC codes from gr-fec: alist parity-check matrices, cldpc systematic encoding, belief propagation.

gr-fec offers two families: `ldpc_encoder` + `ldpc_decoder` (cldpc systematic form and awgn_bp, a
sum-product belief-propagation decoder that takes soft values) and the Richardson-Urbanke
`ldpc_par_mtrx_encoder` / `ldpc_gen_mtrx_encoder`, which only pair with `ldpc_bit_flip_decoder` (hard
decisions). Soft LLRs are the point of the digital path, so this uses the first family: both read the same
alist file and agree on where the information bits sit in the codeword.

The coder objects are driven directly through `generic_work`, whose Python binding takes raw buffer
pointers as PyCapsules; this keeps one codeword's work one call instead of a flowgraph per packet.
"""

from __future__ import annotations

import ctypes
import math
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
from gnuradio import fec, gr

DEFAULT_CODE = "n_1800_k_0902_gap_28.alist"

# gr-fec 3.10.5's awgn_bp works with likelihood ratios exp(x / (2 sigma^2)) of its input x (positive = bit 1);
# sigma = 1/sqrt(2) makes that exp(LLR). Later versions take the LLR as it is and ignore sigma, so the
# same input is right for both.
_BP_SIGMA = 1.0 / math.sqrt(2.0)

# Likelihood ratios are products of exp(LLR) in double precision: beyond ~700 they overflow, and an LLR of
# exactly 0 makes a check-node factor 0 that awgn_bp then divides by. Magnitudes stay in this range.
LLR_MAX = 30.0
_LLR_MIN = 1e-3

# awgn_bp in gr-fec 3.10.5 runs belief propagation on likelihood ratios in double precision: when most
# bits have converged but a few checks are still unsatisfied, the ratios overflow, NaNs spread and its
# decision collapses to the all-zero word, which is a codeword, so it stops "successfully". That costs a
# FER floor of a few 1e-3 at good SNR. A collapse is recognisable (all-zero output from an input whose hard
# decisions are far from zero) and goes away when the same LLRs are attenuated, which slows the growth;
# attenuation by itself loses ~0.5 dB, so it is only the retry.
_COLLAPSE_RETRY_SCALES = (0.7, 0.5)

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
        if max_iterations < 1:
            raise ValueError(f"max_iterations must be >= 1, got {max_iterations}")
        self.path = alist_path(code)
        self.name = os.path.basename(self.path)
        self._encoder = fec.ldpc_encoder_make(str(self.path))
        self._decoder = fec.ldpc_decoder.make(str(self.path), _BP_SIGMA, int(max_iterations))
        self.k = int(self._encoder.get_input_size())
        self.n = int(self._encoder.get_output_size())
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
        soft = np.clip(np.abs(llrs), _LLR_MIN, LLR_MAX) * np.where(llrs < 0, -1.0, 1.0)
        blocks = np.ascontiguousarray(soft.reshape(-1, self.n), dtype=np.float32)
        out = np.empty((len(blocks), self.k), dtype=np.uint8)
        iterations = 0.0
        for block, info in zip(blocks, out, strict=True):
            self._decoder.generic_work(_pointer(block), _pointer(info))
            iterations += self._decoder.get_iterations()
            for scale in _COLLAPSE_RETRY_SCALES:
                if info.any() or np.count_nonzero(block > 0) < self.n // 4:
                    break
                attenuated = block * np.float32(scale)  # named: the capsule does not keep the array alive
                self._decoder.generic_work(_pointer(attenuated), _pointer(info))
                iterations += self._decoder.get_iterations()
        return out.ravel(), iterations / max(len(blocks), 1)

    def _check_systematic(self) -> None:
        probe = np.random.default_rng(0).integers(0, 2, self.k, dtype=np.uint8)
        if not np.array_equal(self.encode(probe)[self.info_positions], probe):
            raise ValueError(f"{self.name}: gr-fec's codeword does not end with the information bits")

"""Gray QPSK/16QAM/64QAM (3GPP TS 38.211 5.1 labelling, unit average power) and a max-log soft demapper.

LLR convention (the one gr-fec's LDPC decoder takes as input): L = ln P(b=1 | y) / P(b=0 | y), so a
positive LLR means bit 1. With complex noise variance N0 = E|n|^2 (the per-symbol CSI of the OFDM
demapper), max-log gives L = (min_{s: b=0} |y-s|^2 - min_{s: b=1} |y-s|^2) / N0.
"""

from __future__ import annotations

import enum
import math

import numpy as np
import numpy.typing as npt


class FrameType(enum.IntEnum):
    """The `frame_type` tag of the OFDM mapper/demapper contract."""

    ANALOG = 0
    QPSK = 1
    QAM16 = 2
    QAM64 = 3


BITS_PER_SYMBOL = {FrameType.QPSK: 2, FrameType.QAM16: 4, FrameType.QAM64: 6}

MODULATION_NAMES = {"qpsk": FrameType.QPSK, "16qam": FrameType.QAM16, "64qam": FrameType.QAM64}


def frame_type_of(modulation: str | int) -> FrameType:
    """FrameType from a name ("qpsk", "16qam", "64qam") or a frame_type number (1, 2, 3)."""
    if isinstance(modulation, str):
        try:
            return MODULATION_NAMES[modulation.lower()]
        except KeyError:
            raise ValueError(
                f"unknown modulation {modulation!r}; use one of {list(MODULATION_NAMES)}"
            ) from None
    frame_type = FrameType(int(modulation))
    if frame_type not in BITS_PER_SYMBOL:
        raise ValueError(
            f"frame_type {int(modulation)} is not a digital modulation (1 QPSK, 2 16QAM, 3 64QAM)"
        )
    return frame_type


def _axis_table(bits_per_axis: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
    """Unnormalised levels of one axis and their labels [label, bit-in-axis], in label order.

    38.211 builds an axis as (1-2b0)(2^(q-1) - (1-2b1)(2^(q-2) - ...)): the first bit of an axis is the sign,
    the next ones fold the magnitude, which makes a binary reflected Gray code along the axis.
    """
    levels = np.ones(1 << bits_per_axis)
    sign_and_magnitude = (
        (np.arange(1 << bits_per_axis)[:, None] >> np.arange(bits_per_axis)[::-1]) & 1
    ).astype(np.uint8)
    # Innermost fold first, then outwards, then the sign bit.
    for j in range(bits_per_axis - 1, 0, -1):
        levels = (1 << (bits_per_axis - j)) - (1 - 2 * sign_and_magnitude[:, j].astype(np.float64)) * levels
    levels = (1 - 2 * sign_and_magnitude[:, 0].astype(np.float64)) * levels
    return levels, sign_and_magnitude


class Constellation:
    """Square Gray QAM of one FrameType: bits -> unit-power symbols, and symbols + N0 -> max-log LLRs.

    Bits of a symbol are b0..b(m-1) in 38.211 order: even bits on I (sign first), odd bits on Q.
    """

    def __init__(self, frame_type: FrameType | str | int) -> None:
        self.frame_type = frame_type_of(frame_type)
        self.bits_per_symbol = BITS_PER_SYMBOL[self.frame_type]
        bits_per_axis = self.bits_per_symbol // 2
        levels, labels = _axis_table(bits_per_axis)
        # Unit average symbol energy: mean of level^2 per axis is (M_axis^2 - 1) / 3, two axes.
        self.scale = float(np.sqrt(2.0 * np.mean(levels**2)))
        self.axis_levels = levels / self.scale
        self.axis_labels = labels
        # Per axis: level index from the axis bits read as a binary number (sign bit most significant).
        self._weights = 1 << np.arange(bits_per_axis)[::-1]
        by_label = np.empty_like(self.axis_levels)
        by_label[labels @ self._weights] = self.axis_levels
        self._level_of_label = by_label

    @property
    def points(self) -> npt.NDArray[np.complex128]:
        """All M symbols, indexed by the m-bit label b0 b1 ... b(m-1) read as a binary number (b0 MSB)."""
        m = self.bits_per_symbol
        labels = (np.arange(1 << m)[:, None] >> np.arange(m)[::-1]) & 1
        return self.map(labels.astype(np.uint8).ravel())

    def map(self, bits: npt.ArrayLike) -> npt.NDArray[np.complex128]:
        """Symbols for a bit array whose length is a multiple of bits_per_symbol."""
        bits = np.asarray(bits, dtype=np.uint8)
        if bits.size % self.bits_per_symbol:
            raise ValueError(f"{bits.size} bits are not a whole number of {self.bits_per_symbol}-bit symbols")
        per_symbol = bits.reshape(-1, self.bits_per_symbol)
        i_label = per_symbol[:, 0::2] @ self._weights
        q_label = per_symbol[:, 1::2] @ self._weights
        return self._level_of_label[i_label] + 1j * self._level_of_label[q_label]

    def llr(self, symbols: npt.ArrayLike, noise_var: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Max-log LLRs (positive = bit 1), bits_per_symbol per symbol in map() order.

        noise_var is N0 = E|n|^2 per symbol (scalar or one per symbol). Square Gray QAM separates into two
        PAMs, and so does the max-log minimum: the I bits only depend on Re(y), the Q bits on Im(y), which
        makes this exact max-log with M_axis distances per axis instead of M per symbol.
        """
        y = np.asarray(symbols, dtype=np.complex128).ravel()
        n0 = np.broadcast_to(np.asarray(noise_var, dtype=np.float64), y.shape)
        llrs = np.empty((y.size, self.bits_per_symbol))
        llrs[:, 0::2] = self._axis_llr(y.real, n0)
        llrs[:, 1::2] = self._axis_llr(y.imag, n0)
        return llrs.ravel()

    def _axis_llr(self, y: npt.NDArray[np.float64], n0: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        dist = (y[:, None] - self.axis_levels[None, :]) ** 2
        out = np.empty((y.size, self.axis_labels.shape[1]))
        for j in range(self.axis_labels.shape[1]):
            ones = self.axis_labels[:, j] == 1
            out[:, j] = dist[:, ~ones].min(axis=1) - dist[:, ones].min(axis=1)
        return out / n0[:, None]


def theoretical_ber(frame_type: FrameType | str | int, ebn0_db: float) -> float:
    """Exact bit error rate of Gray square M-QAM in AWGN (Cho & Yoon, IEEE Trans. Commun. 50(7), 2002).

    Per axis the labelling is a binary reflected Gray code (see _axis_table), which the formula assumes.
    """
    m = BITS_PER_SYMBOL[frame_type_of(frame_type)]
    order = 1 << m
    side = 1 << (m // 2)
    gamma = 10 ** (ebn0_db / 10)
    arg = np.sqrt(3 * m * gamma / (2 * (order - 1)))
    total = 0.0
    for k in range(1, m // 2 + 1):
        i = np.arange(int((1 - 2.0**-k) * side))
        weight = (-1.0) ** np.floor(i * 2 ** (k - 1) / side) * (
            2 ** (k - 1) - np.floor(i * 2 ** (k - 1) / side + 0.5)
        )
        total += float(np.sum(weight * _erfc((2 * i + 1) * arg))) / side
    return total / (m // 2)


_erfc = np.vectorize(math.erfc, otypes=[float])

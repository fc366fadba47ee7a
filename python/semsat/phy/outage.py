"""Outage bound of Gray QPSK over a block-fading multipath channel: the frame error rate of an ideal code
with an ideal receiver, the floor under any coded FER measured over the same channel.

A frame sees one realisation of the paths' gains (UE fading at a few Hz is static over a frame), so carrier k
has SNR |H(f_k)|^2 Es/N0 with H(f) = sum_p h_p exp(-j 2 pi f tau_p). With its code bits spread over the
carriers, the most a code can carry is the mean over carriers of the per-bit mutual information of Gray QPSK
(its two bits are independent BPSK on I and Q, so bit-interleaved decoding loses nothing). A frame whose code
rate exceeds that fails for every code of every length: P(mean MI < rate) is a lower bound on its FER.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

_HERMITE_NODES, _HERMITE_WEIGHTS = np.polynomial.hermite.hermgauss(80)
_GRID_DB = np.arange(-40.0, 40.0001, 0.01)


def qpsk_bit_mutual_information(esn0_db: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Mutual information (bits) between one bit of a Gray QPSK symbol and the channel output in AWGN.

    Each bit is BPSK with amplitude^2 / noise variance per dimension = Es/N0 = g; given the bit, its LLR is
    Gaussian with mean 2g and variance 4g, and I = 1 - E[log2(1 + exp(-LLR))] (Gauss-Hermite quadrature).
    """
    g = 10.0 ** (np.asarray(esn0_db, dtype=np.float64)[..., None] / 10.0)
    llr = 2.0 * g + 2.0 * np.sqrt(2.0 * g) * _HERMITE_NODES
    loss = np.logaddexp(0.0, -llr) / np.log(2.0)
    return 1.0 - (loss * _HERMITE_WEIGHTS).sum(axis=-1) / np.sqrt(np.pi)


_GRID_MI = qpsk_bit_mutual_information(_GRID_DB)


def outage_probability(
    path_delays_s: npt.ArrayLike,
    path_powers: npt.ArrayLike,
    carrier_freqs_hz: npt.ArrayLike,
    esn0_db: float,
    rate: float,
    realisations: int = 100_000,
    rng: np.random.Generator | None = None,
) -> float:
    """P(mean over the carriers of the QPSK bit mutual information < rate) over independent Rayleigh path
    gains of the given average powers (Monte Carlo; Es/N0 per carrier at unit mean channel power)."""
    delays = np.asarray(path_delays_s, dtype=np.float64)
    powers = np.asarray(path_powers, dtype=np.float64)
    freqs = np.asarray(carrier_freqs_hz, dtype=np.float64)
    if delays.shape != powers.shape or delays.ndim != 1 or not (powers >= 0).all():
        raise ValueError("path delays and powers must be equally long, powers >= 0")
    if not 0.0 < rate < 1.0:
        raise ValueError(f"a code rate is in (0, 1), got {rate}")
    rng = rng if rng is not None else np.random.default_rng()
    steering = np.exp(-2j * np.pi * np.outer(delays, freqs))  # paths x carriers
    failures = 0
    for start in range(0, realisations, 10_000):  # chunks keep memory at ~10k x carriers
        n = min(10_000, realisations - start)
        shape = (n, delays.size)
        gains = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * np.sqrt(powers / 2.0)
        snr_db = 10.0 * np.log10(np.maximum(np.abs(gains @ steering) ** 2, 1e-30)) + esn0_db
        mean_mi = np.interp(snr_db, _GRID_DB, _GRID_MI).mean(axis=1)
        failures += int(np.count_nonzero(mean_mi < rate))
    return failures / realisations

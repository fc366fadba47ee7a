"""Symbol-level channels for testing and benchmarking the codec in numpy (no PHY, no OFDM).

Both return what an ideal coherent receiver hands the semantic decoder: the equalized symbols and the true
noise variance of each one. Rayleigh block fading divides the noise by the block's gain |h|², so a deep fade
shows up as a large variance, as the OFDM demapper's per-subcarrier CSI does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .bursts import burst_of_symbols


def noise_variance(snr_db: float) -> float:
    """N0 for unit average symbol power at ``snr_db`` (Es/N0)."""
    return float(10.0 ** (-snr_db / 10.0))


def _complex_noise(n: int, rng: np.random.Generator) -> npt.NDArray[np.complex128]:
    return (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2.0)


def awgn(
    symbols: npt.ArrayLike, snr_db: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
    """Symbols plus complex white Gaussian noise of variance N0 (Es/N0 = ``snr_db`` for unit power)."""
    x = np.asarray(symbols, dtype=np.complex128).reshape(-1)
    n0 = noise_variance(snr_db)
    y = x + np.sqrt(n0) * _complex_noise(x.size, rng)
    return y.astype(np.complex64), np.full(x.size, n0, dtype=np.float32)


def rayleigh_block_fading(
    symbols: npt.ArrayLike, snr_db: float, rng: np.random.Generator, block: int = 12
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
    """Rayleigh fading, constant over blocks of ``block`` symbols, at average Es/N0 ``snr_db``, then
    zero-forcing equalization with perfect CSI: y = x + n / h, noise variance N0 / |h|²."""
    x = np.asarray(symbols, dtype=np.complex128).reshape(-1)
    if block < 1:
        raise ValueError(f"block must be >= 1 symbol, got {block}")
    n0 = noise_variance(snr_db)
    gains = _complex_noise(-(-x.size // block), rng)
    h = np.repeat(gains, block)[: x.size]
    received = h * x + np.sqrt(n0) * _complex_noise(x.size, rng)
    return (received / h).astype(np.complex64), (n0 / np.abs(h) ** 2).astype(np.float32)


def rayleigh_burst_fading(
    symbols: npt.ArrayLike, snr_db: float, rng: np.random.Generator, per_item: int, n_bursts: int
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
    """The window time-interleaved over ``n_bursts`` bursts (bursts.py), each burst one flat Rayleigh fade of
    its own (bursts sent farther apart than the coherence time), at average Es/N0 ``snr_db``; zero-forcing
    with perfect CSI as in `rayleigh_block_fading`."""
    x = np.asarray(symbols, dtype=np.complex128).reshape(-1)
    if x.size % per_item:
        raise ValueError(f"{x.size} symbols are not whole items of {per_item}")
    owner = burst_of_symbols(x.size // per_item, per_item, n_bursts)
    n0 = noise_variance(snr_db)
    h = _complex_noise(int(owner.max()) + 1, rng)[owner]
    received = h * x + np.sqrt(n0) * _complex_noise(x.size, rng)
    return (received / h).astype(np.complex64), (n0 / np.abs(h) ** 2).astype(np.float32)

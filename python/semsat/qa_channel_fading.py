"""Rayleigh fading statistics of one channel path against Clarke/Jakes theory."""

from functools import cache

import numpy as np
import pytest
from gnuradio import semsat
from gnuradio.semsat.numpy_io import process
from scipy import special, stats

SAMP_RATE = 2000.0
MAX_DOPPLER = 10.0
CARRIER = 2e9
SEEDS = 20
DURATION_S = 100.0


def ue_speed_kmh(max_doppler: float) -> float:
    return max_doppler * 299792458.0 / CARRIER * 3.6


@cache
def path_gains() -> np.ndarray:
    """Gain of a single Rayleigh path over time (seeds x samples): the response to a constant input."""
    n = int(SAMP_RATE * DURATION_S)
    gains = []
    for seed in range(1, SEEDS + 1):
        channel = semsat.ntn_tdl_channel_cc(
            SAMP_RATE,
            "custom",
            carrier_freq=CARRIER,
            ue_speed_kmh=ue_speed_kmh(MAX_DOPPLER),
            noise_enabled=False,
            seed=seed,
            custom_delays=[0.0],
            custom_powers_db=[0.0],
        )
        y = process(channel, np.ones(n, dtype=np.complex64)).samples
        gains.append(y[int(channel.latency()) :])
    return np.array(gains)


def test_max_doppler_from_ue_speed():
    channel = semsat.ntn_tdl_channel_cc(30.72e6, carrier_freq=2e9, ue_speed_kmh=3.0)
    assert channel.max_ue_doppler() == pytest.approx(3.0 / 3.6 * 2e9 / 299792458.0, rel=1e-12)


def test_autocorrelation_follows_bessel_j0():
    h = path_gains()
    max_lag = int(SAMP_RATE / MAX_DOPPLER)  # tau up to 1 / f_D
    lags = np.arange(0, max_lag + 1, 5)
    power = np.mean(np.abs(h) ** 2)
    measured = (
        np.array([np.mean(h[:, lag:] * np.conj(h[:, : h.shape[1] - lag])).real for lag in lags]) / power
    )
    theory = special.j0(2 * np.pi * MAX_DOPPLER * lags / SAMP_RATE)
    assert np.max(np.abs(measured - theory)) < 0.05, f"worst deviation {np.max(np.abs(measured - theory))}"


def test_envelope_is_rayleigh():
    h = path_gains()
    # One sample per Doppler period: envelope correlation J0^2(2 pi) ~ 0.05, close to independent.
    step = int(SAMP_RATE / MAX_DOPPLER)
    envelope = np.abs(h[:, ::step]).ravel()
    # Unit average power: E|h|^2 = 2 sigma^2 = 1. The scale is fixed by theory, not fitted.
    result = stats.kstest(envelope, "rayleigh", args=(0.0, np.sqrt(0.5)))
    assert result.pvalue > 0.01, f"KS p-value {result.pvalue} over {envelope.size} samples"


def test_average_power_is_unity():
    assert np.mean(np.abs(path_gains()) ** 2) == pytest.approx(1.0, abs=0.05)


def test_static_channel_without_ue_motion():
    channel = semsat.ntn_tdl_channel_cc(1e6, "NTN-TDL-A", ue_speed_kmh=0.0, noise_enabled=False)
    y = process(channel, np.ones(20000, dtype=np.complex64)).samples[100:]
    assert np.max(np.abs(y - y[0])) < 1e-5

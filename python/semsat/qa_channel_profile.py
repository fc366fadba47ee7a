"""The channel's average power delay profile, measured from its output, against TR 38.811 tables."""

from functools import cache

import numpy as np
import pytest
from gnuradio import semsat
from gnuradio.semsat.numpy_io import process

# TR 38.811 Tables 6.9.2-1..4: (normalized delay, power dB); LOS and Rayleigh rows at the same delay
# are listed separately here, as in the TR, and summed for the comparison.
TR_TABLES = {
    "NTN-TDL-A": [(0.0, 0.0), (1.0811, -4.675), (2.8416, -6.482)],
    "NTN-TDL-B": [(0.0, 0.0), (0.7249, -1.973), (0.7410, -4.332), (5.7392, -11.914)],
    "NTN-TDL-C": [(0.0, -0.394), (0.0, -10.618), (14.8124, -23.373)],
    "NTN-TDL-D": [(0.0, -0.284), (0.0, -11.991), (0.5596, -9.887), (7.3340, -16.771)],
}
TR_K_FACTOR_DB = {"NTN-TDL-C": 10.224, "NTN-TDL-D": 11.707}

# Delay spread in samples: large enough that every tap is resolved (B's taps 2 and 3 are 0.016 DS
# apart, so B needs 1200 samples per DS; the others fit in 100).
DS_SAMPLES = {"NTN-TDL-A": 100, "NTN-TDL-B": 1200, "NTN-TDL-C": 100, "NTN-TDL-D": 100}
DELAY_SPREAD = 1e-6
CARRIER = 2e9
SEEDS = 100
# Samples per model: enough realizations for about 0.6% (1 sigma) on the RMS delay spread; B needs
# the most because its long taps spacing leaves the fewest impulses per sample.
SAMPLE_BUDGET = {
    "NTN-TDL-A": 8_000_000,
    "NTN-TDL-B": 40_000_000,
    "NTN-TDL-C": 12_000_000,
    "NTN-TDL-D": 8_000_000,
}
INTERP_TAPS = 16


def tr_taps(model: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct TR delays (normalized) and their total linear powers, normalized to a sum of one."""
    merged: dict[float, float] = {}
    for delay, power_db in TR_TABLES[model]:
        merged[delay] = merged.get(delay, 0.0) + 10 ** (power_db / 10)
    delays = np.array(sorted(merged))
    powers = np.array([merged[d] for d in delays])
    return delays, powers / powers.sum()


@cache
def measure_impulse_responses(model: str) -> tuple[np.ndarray, float, int]:
    """Impulse responses (realizations x lags) of the block over many seeds, latency and spacing."""
    ds = DS_SAMPLES[model]
    samp_rate = ds / DELAY_SPREAD
    spacing = int(TR_TABLES[model][-1][0] * ds) + 2 * INTERP_TAPS + 64
    # Two Doppler periods between impulses make successive realizations nearly independent.
    max_doppler = 2.0 * samp_rate / spacing
    ue_speed_kmh = max_doppler * 299792458.0 / CARRIER * 3.6
    impulses_per_seed = SAMPLE_BUDGET[model] // (SEEDS * spacing)
    x = np.zeros(spacing * impulses_per_seed, dtype=np.complex64)
    x[::spacing] = 1.0
    responses = []
    for seed in range(1, SEEDS + 1):
        # 64 fading updates per Doppler period: plenty for power statistics, and fast.
        channel = semsat.ntn_tdl_channel_cc(
            samp_rate,
            model,
            DELAY_SPREAD,
            CARRIER,
            ue_speed_kmh,
            noise_enabled=False,
            seed=seed,
            update_interval=max(1, spacing // 128),
        )
        y = process(channel, x).samples
        responses.append(y.reshape(impulses_per_seed, spacing))
    return np.concatenate(responses), channel.latency(), ds


@pytest.fixture(params=list(TR_TABLES))
def measured(request):
    return (request.param, *measure_impulse_responses(request.param))


@pytest.fixture(params=list(TR_K_FACTOR_DB))
def measured_rician(request):
    return (request.param, *measure_impulse_responses(request.param))


def measured_taps(responses: np.ndarray, latency: float, model: str) -> tuple[np.ndarray, np.ndarray]:
    """Power and delay (samples) of each TR tap, measured around its nominal position.

    Power is the in-band power |H(f)|^2 averaged over |f| < 0.4 fs and realizations: what a signal
    occupying the band sees (any finite fractional-delay filter rolls off near Nyquist). Delay is
    the centroid of the average power delay profile inside the tap's window.
    """
    ds = DS_SAMPLES[model]
    pdp = np.mean(np.abs(responses) ** 2, axis=0)
    half = INTERP_TAPS // 2 + 1
    nfft = 256
    inner = np.abs(np.fft.fftfreq(nfft)) < 0.4
    powers, delays = [], []
    for d in tr_taps(model)[0]:
        centre = int(round(latency + d * ds))
        lags = np.arange(centre - half, centre + half + 1)
        spectra = np.fft.fft(responses[:, lags], nfft, axis=1)
        powers.append(np.mean(np.abs(spectra[:, inner]) ** 2))
        delays.append(np.sum(lags * pdp[lags]) / pdp[lags].sum() - latency)
    return np.array(powers), np.array(delays)


def test_average_pdp_matches_tr_table(measured):
    model, responses, latency, ds = measured
    powers, delays = measured_taps(responses, latency, model)
    tr_delays, tr_powers = tr_taps(model)
    error_db = 10 * np.log10(powers / powers.sum() / tr_powers)
    assert np.all(np.abs(error_db) < 0.5), f"{model}: tap power errors {error_db} dB"
    assert np.all(np.abs(delays - tr_delays * ds) < 1.0), f"{model}: delays {delays}"


def test_rms_delay_spread_is_the_set_value(measured):
    model, responses, latency, ds = measured
    powers, delays = measured_taps(responses, latency, model)
    weights = powers / powers.sum()
    mean = np.sum(weights * delays)
    rms = np.sqrt(np.sum(weights * (delays - mean) ** 2))
    assert rms / ds == pytest.approx(1.0, abs=0.02), f"{model}: normalized RMS delay spread {rms / ds}"


def test_first_tap_k_factor(measured_rician):
    model, responses, latency, _ = measured_rician
    # The first tap sits at an integer lag (the latency), so one output sample is its gain.
    power = np.abs(responses[:, int(latency)]) ** 2
    # Moment estimator (Greenstein et al. 1999): gamma = var(|h|^2) / E[|h|^2]^2 = (1 + 2K) / (1 + K)^2.
    gamma = power.var() / power.mean() ** 2
    root = np.sqrt(1.0 - gamma)
    k_db = 10 * np.log10(root / (1.0 - root))
    assert k_db == pytest.approx(TR_K_FACTOR_DB[model], abs=0.5)


def test_profile_delay_spread_and_powers_reported():
    for model, table in TR_TABLES.items():
        channel = semsat.ntn_tdl_channel_cc(1e6, model, 250e-9, noise_enabled=False)
        tr_delays, tr_powers = tr_taps(model)
        assert channel.rms_delay_spread() == pytest.approx(250e-9, rel=1e-3)
        np.testing.assert_allclose(channel.path_delays(), tr_delays * 250e-9, rtol=1e-9)
        np.testing.assert_allclose(channel.path_powers(), tr_powers, rtol=1e-9)
        if model in TR_K_FACTOR_DB:
            assert channel.path_k_factors_db()[0] == pytest.approx(TR_K_FACTOR_DB[model], abs=1e-9)
        assert len(table) >= len(tr_delays)

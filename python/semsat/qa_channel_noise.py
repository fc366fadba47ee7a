"""AWGN level, path gain and reproducibility of the channel."""

import numpy as np
import pytest
from gnuradio import semsat
from gnuradio.semsat.control import control_message
from gnuradio.semsat.numpy_io import process

SAMP_RATE = 1e6


def qpsk(n: int, seed: int = 7) -> np.ndarray:
    bits = np.random.default_rng(seed).integers(0, 2, (2, n))
    return ((2 * bits[0] - 1) + 1j * (2 * bits[1] - 1)).astype(np.complex64) / np.sqrt(2)


@pytest.mark.parametrize("snr_db,gain_db", [(10.0, 0.0), (0.0, -30.0), (25.0, 12.0)])
def test_measured_snr_matches_setting(snr_db, gain_db):
    x = qpsk(400_000)
    channel = semsat.ntn_tdl_channel_cc(
        SAMP_RATE, "LOS", ue_speed_kmh=0.0, snr_db=snr_db, gain_db=gain_db, seed=3
    )
    y = process(channel, x).samples
    lag = int(channel.latency())
    y, ref = y[lag:], x[: x.size - lag]
    # Least-squares estimate of the (constant) channel gain; the rest is noise.
    a = np.vdot(ref, y) / np.vdot(ref, ref)
    noise = y - a * ref
    measured = 10 * np.log10(np.mean(np.abs(a * ref) ** 2) / np.mean(np.abs(noise) ** 2))
    assert measured == pytest.approx(snr_db, abs=0.2)
    assert 20 * np.log10(abs(a)) == pytest.approx(gain_db, abs=0.01)


def test_noise_power_is_average_snr_under_fading():
    """With fading, SNR is the average SNR of a unit-power input: noise power = gain / SNR."""
    x = qpsk(400_000)
    kwargs = dict(model="NTN-TDL-A", snr_db=5.0, gain_db=-10.0, seed=11)
    noisy = process(semsat.ntn_tdl_channel_cc(SAMP_RATE, noise_enabled=True, **kwargs), x).samples
    clean = process(semsat.ntn_tdl_channel_cc(SAMP_RATE, noise_enabled=False, **kwargs), x).samples
    noise_db = 10 * np.log10(np.mean(np.abs(noisy - clean) ** 2))
    assert noise_db == pytest.approx(-10.0 - 5.0, abs=0.2)


def test_noise_is_gaussian():
    channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", gain_db=0.0, snr_db=0.0, seed=5)
    n = process(channel, np.zeros(500_000, np.complex64)).samples
    parts = np.concatenate([n.real, n.imag]) / np.sqrt(0.5)
    assert np.mean(parts) == pytest.approx(0.0, abs=0.01)
    assert np.var(parts) == pytest.approx(1.0, rel=0.01)
    assert np.mean(parts**4) == pytest.approx(3.0, rel=0.03)  # kurtosis of a normal
    assert np.mean(np.abs(parts) > 4.0) == pytest.approx(6.33e-5, rel=0.3)  # tail beyond 4 sigma
    assert abs(np.mean(n.real * n.imag)) < 0.005


def test_snr_update_at_run_time():
    at = 200_000
    channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", snr_db=20.0, seed=2)
    msgs = [("ctrl", control_message(at, snr_db=0.0))]
    n = process(channel, np.zeros(400_000, np.complex64), messages=msgs).samples
    assert 10 * np.log10(np.mean(np.abs(n[:at]) ** 2)) == pytest.approx(-20.0, abs=0.1)
    assert 10 * np.log10(np.mean(np.abs(n[at:]) ** 2)) == pytest.approx(0.0, abs=0.1)


def test_same_seed_same_output_other_seed_differs():
    x = qpsk(100_000)

    def run(seed: int) -> np.ndarray:
        channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "NTN-TDL-C", 300e-9, ue_speed_kmh=120.0, seed=seed)
        return process(channel, x).samples

    a, b, c = run(42), run(42), run(43)
    np.testing.assert_array_equal(a, b)
    assert np.mean(np.abs(a - c) ** 2) > 0.1 * np.mean(np.abs(a) ** 2)

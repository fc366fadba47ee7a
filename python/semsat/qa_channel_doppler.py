"""Bulk satellite Doppler of the channel: tone frequency, chirp slope and phase continuity."""

import numpy as np
import pytest
from gnuradio import semsat
from gnuradio.semsat.control import control_message
from gnuradio.semsat.numpy_io import process

SAMP_RATE = 100e3


def los_channel(**kwargs) -> semsat.ntn_tdl_channel_cc:
    """A single non-fading path, a still terminal and no noise: the output is the delayed input times
    the bulk Doppler phasor (with UE motion the LOS path would add its own 0.7 f_D)."""
    return semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", ue_speed_kmh=0.0, noise_enabled=False, **kwargs)


def run_los(n: int, messages=(), **kwargs) -> tuple[np.ndarray, semsat.ntn_tdl_channel_cc]:
    """Output for a constant input, with the interpolator's latency (leading zeros) removed."""
    channel = los_channel(**kwargs)
    y = process(channel, np.ones(n, np.complex64), messages=messages).samples
    return y[int(channel.latency()) :], channel


def instantaneous_frequency(y: np.ndarray) -> np.ndarray:
    return np.angle(y[1:] * np.conj(y[:-1])) * SAMP_RATE / (2 * np.pi)


def peak_frequency(y: np.ndarray) -> float:
    nfft = 1 << 22
    spectrum = np.abs(np.fft.fft(y * np.hanning(y.size), nfft))
    k = int(np.argmax(spectrum))
    # Parabolic interpolation of the log-magnitude peak.
    a, b, c = np.log(spectrum[[k - 1, k, (k + 1) % nfft]])
    delta = 0.5 * (a - c) / (a - 2 * b + c)
    return float(np.fft.fftfreq(nfft, 1 / SAMP_RATE)[k] + delta * SAMP_RATE / nfft)


@pytest.mark.parametrize("doppler", [12345.6, -40000.0, 0.3])
def test_tone_peaks_at_the_doppler_shift(doppler):
    y, _ = run_los(int(2 * SAMP_RATE), doppler=doppler)
    assert peak_frequency(y) == pytest.approx(doppler, abs=1.0)


def test_doppler_rate_gives_a_linear_chirp():
    rate = -581.0  # Hz/s, the zenith Doppler rate of a 600 km pass at 2 GHz
    y, channel = run_los(int(4 * SAMP_RATE), doppler=20e3, doppler_rate=rate)
    f = instantaneous_frequency(y)
    t = (np.arange(f.size) + channel.latency()) / SAMP_RATE
    slope, intercept = np.polyfit(t, f, 1)
    assert slope == pytest.approx(rate, rel=0.01)
    assert intercept == pytest.approx(20e3, abs=5.0)
    assert np.max(np.abs(f - (slope * t + intercept))) < 1.0


def test_control_update_is_sample_exact_and_phase_continuous():
    at = 50_000
    updates = [("ctrl", control_message(at, doppler=-3000.0, doppler_rate=0.0))]
    y, channel = run_los(100_000, messages=updates, doppler=1000.0)
    # Offsets count the block's samples; the leading zeros of the latency are already cut.
    at -= int(channel.latency())
    f = instantaneous_frequency(y)
    # f[i] is the frequency between samples i and i + 1: the old one up to the update, then the new.
    # VOLK rotates in float: up to ~3e-5 rad of phase jitter, i.e. 0.5 Hz at 100 kHz.
    np.testing.assert_allclose(f[: at - 1], 1000.0, atol=0.5)
    np.testing.assert_allclose(f[at:], -3000.0, atol=0.5)
    # At the switch the phase advances by the old frequency: no jump beyond one sample's rotation.
    step = np.angle(y[at] * np.conj(y[at - 1]))
    assert step == pytest.approx(2 * np.pi * 1000.0 / SAMP_RATE, abs=1e-4)
    assert channel.n_ctrl_accepted() == 1 and channel.n_ctrl_late() == 0
    assert channel.doppler() == pytest.approx(-3000.0)


def test_setters_change_doppler_at_run_time():
    channel = los_channel(doppler=500.0)
    channel.set_doppler(-700.0)
    channel.set_doppler_rate(10.0)
    y = process(channel, np.ones(20_000, np.complex64)).samples[int(channel.latency()) :]
    f = instantaneous_frequency(y)
    assert f[0] == pytest.approx(-700.0, abs=0.1)
    assert channel.doppler() == pytest.approx(-700.0 + 10.0 * 20_000 / SAMP_RATE, abs=0.01)

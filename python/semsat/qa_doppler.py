"""doppler_cc: trajectory following, pre-compensation, control messages and validation."""

import numpy as np
import pmt
import pytest
from gnuradio import semsat
from gnuradio.semsat.control import control_message
from gnuradio.semsat.numpy_io import process

SAMP_RATE = 10e3


def instantaneous_frequency(y: np.ndarray) -> np.ndarray:
    return np.angle(y[1:] * np.conj(y[:-1])) * SAMP_RATE / (2 * np.pi)


def test_follows_a_piecewise_linear_trajectory():
    times, freqs = [0.0, 1.0, 2.5, 3.0], [0.0, 1000.0, -500.0, -500.0]
    y = process(semsat.doppler_cc(SAMP_RATE, times, freqs), np.ones(int(4 * SAMP_RATE), np.complex64)).samples
    f = instantaneous_frequency(y)
    # f[i] spans samples i and i + 1: compare with the trajectory half a sample later.
    t = (np.arange(f.size) + 0.5) / SAMP_RATE
    expected = np.interp(t, times, freqs)
    assert np.max(np.abs(f - expected)) < 1.0
    np.testing.assert_allclose(np.abs(y), 1.0, atol=1e-4)  # float rotator, renormalized


def test_compensation_undoes_the_same_trajectory():
    times, freqs = [0.0, 0.7, 2.0], [45_000.0 / 20, -300.0, 2000.0]
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(20_000) + 1j * rng.standard_normal(20_000)).astype(np.complex64)
    imposed = process(semsat.doppler_cc(SAMP_RATE, times, freqs), x).samples
    restored = process(semsat.doppler_cc(SAMP_RATE, times, freqs, compensate=True), imposed).samples
    assert np.max(np.abs(restored - x)) < 1e-3 * np.max(np.abs(x))
    assert np.max(np.abs(imposed - x)) > 1.0


def test_control_message_takes_over_from_the_trajectory():
    block = semsat.doppler_cc(SAMP_RATE, [0.0, 10.0], [100.0, 100.0])
    msgs = [("ctrl", control_message(5000, doppler=-250.0, doppler_rate=100.0))]
    y = process(block, np.ones(10_000, np.complex64), messages=msgs).samples
    f = instantaneous_frequency(y)
    np.testing.assert_allclose(f[:4999], 100.0, atol=0.05)
    t = np.arange(f.size - 5000) / SAMP_RATE
    # A chirp is applied as short constant-frequency chunks whose phase error stays below 1e-4
    # cycles; the instantaneous frequency therefore wobbles by up to rate * chunk / (2 fs), 0.14 Hz.
    np.testing.assert_allclose(f[5000:], -250.0 + 100.0 * (t + 0.5 / SAMP_RATE), atol=0.2)
    assert block.frequency() == pytest.approx(-250.0 + 100.0 * 0.5, abs=0.05)
    assert block.n_ctrl_accepted() == 1


def test_constant_shift_and_setter():
    block = semsat.doppler_cc(SAMP_RATE, initial_freq=1234.0)
    y = process(block, np.ones(1000, np.complex64)).samples
    np.testing.assert_allclose(instantaneous_frequency(y), 1234.0, atol=0.05)
    block.set_frequency(-10.0)
    y = process(block, np.ones(1000, np.complex64)).samples
    np.testing.assert_allclose(instantaneous_frequency(y), -10.0, atol=0.05)


@pytest.mark.parametrize(
    "args,message",
    [
        ((0.0,), "samp_rate"),
        ((SAMP_RATE, [0.0, 1.0], [1.0]), "same length"),
        ((SAMP_RATE, [0.0, 0.0], [1.0, 2.0]), "strictly increasing"),
        ((SAMP_RATE, [0.0, float("nan")], [1.0, 2.0]), "finite"),
        ((SAMP_RATE, [-1.0, 0.0], [1.0, 2.0]), "finite time >= 0"),
    ],
)
def test_invalid_trajectories_raise(args, message):
    with pytest.raises(ValueError, match=message):
        semsat.doppler_cc(*args)


def test_malformed_messages_are_counted():
    block = semsat.doppler_cc(SAMP_RATE, initial_freq=50.0)
    bad = [pmt.intern("x"), pmt.to_pmt({"gain_db": 1.0}), pmt.to_pmt({"doppler": [1, 2]})]
    y = process(block, np.ones(1000, np.complex64), messages=[("ctrl", m) for m in bad]).samples
    assert y.size == 1000
    assert block.n_ctrl_rejected() == 3
    np.testing.assert_allclose(instantaneous_frequency(y), 50.0, atol=0.05)

"""The outage bound (phy/outage.py) against closed forms: BI-AWGN capacity and flat Rayleigh fading."""

import numpy as np
import pytest
from gnuradio.semsat.phy.outage import outage_probability, qpsk_bit_mutual_information


def test_bit_mutual_information_meets_the_binary_awgn_capacity_limit():
    """Rate 1/2 over the binary-input AWGN channel needs Eb/N0 = 0.187 dB (a textbook value); a Gray QPSK bit
    at rate 1/2 has Eb/N0 = Es/N0, so its mutual information there is 1/2."""
    assert qpsk_bit_mutual_information(0.187) == pytest.approx(0.5, abs=2e-3)
    mi = qpsk_bit_mutual_information(np.arange(-30.0, 30.1, 1.0))
    assert (np.diff(mi) >= 0).all() and mi[0] > 0 and mi[-1] == pytest.approx(1.0, abs=1e-9)
    # Low SNR: a real Gaussian channel's 1/2 log2(1 + g) ~ g / (2 ln 2), which BPSK attains; here g = 1e-3.
    assert qpsk_bit_mutual_information(-30.0) == pytest.approx(1e-3 / (2 * np.log(2)), rel=0.01)


@pytest.mark.parametrize("esn0_db", [5.0, 10.0, 15.0])
def test_flat_rayleigh_outage_is_the_exponential_tail(esn0_db):
    """One path: every carrier has the same SNR g x Es/N0 with g ~ Exp(1), so P(out) = 1 - exp(-g_R / Es/N0),
    g_R the SNR whose mutual information is the rate."""
    rate = 0.5
    grid = np.arange(-10.0, 10.0, 1e-4)
    snr_needed = 10 ** (grid[np.searchsorted(qpsk_bit_mutual_information(grid), rate)] / 10)
    expected = 1.0 - np.exp(-snr_needed / 10 ** (esn0_db / 10))
    freqs = np.arange(-100, 100) * 30e3
    got = outage_probability([0.0], [1.0], freqs, esn0_db, rate, 200_000, np.random.default_rng(1))
    assert got == pytest.approx(expected, rel=0.05)


def test_frequency_diversity_lowers_the_outage():
    """Two equal paths 1 us apart over 6 MHz (6 cycles across the band: resolved) are two diversity branches:
    the outage falls from the flat channel's ~1/g to ~1/g^2 behaviour, far below one path's."""
    freqs = np.arange(-100, 100) * 30e3
    rng = np.random.default_rng(2)
    flat = outage_probability([0.0], [1.0], freqs, 15.0, 0.5, 100_000, rng)
    two = outage_probability([0.0, 1e-6], [0.5, 0.5], freqs, 15.0, 0.5, 100_000, rng)
    assert two < flat / 5


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="equally long"):
        outage_probability([0.0, 1e-7], [1.0], [0.0], 10.0, 0.5)
    with pytest.raises(ValueError, match="code rate"):
        outage_probability([0.0], [1.0], [0.0], 10.0, 1.5)

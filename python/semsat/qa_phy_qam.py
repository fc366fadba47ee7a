"""Gray QAM mapping and the max-log demapper: labelling, exact max-log, and hard-decision BER vs theory."""

import itertools
import math

import numpy as np
import pytest
from gnuradio.semsat.phy.qam import BITS_PER_SYMBOL, Constellation, FrameType, theoretical_ber

FRAME_TYPES = list(BITS_PER_SYMBOL)


@pytest.mark.parametrize("frame_type", FRAME_TYPES)
def test_unit_power_and_gray_neighbours(frame_type):
    c = Constellation(frame_type)
    points = c.points
    assert len(points) == 1 << c.bits_per_symbol
    assert np.mean(np.abs(points) ** 2) == pytest.approx(1.0)
    assert len(np.unique(np.round(points, 9))) == len(points)
    # Gray: every nearest neighbour (distance = one grid step) differs in exactly one bit.
    step = 2 / c.scale
    for a, b in itertools.combinations(range(len(points)), 2):
        if abs(points[a] - points[b]) < step * 1.01:
            assert bin(a ^ b).count("1") == 1


def test_38211_labels():
    """A few labels straight from TS 38.211 5.1.3-5.1.5."""
    assert Constellation("qpsk").map([0, 1]) == pytest.approx((1 - 1j) / np.sqrt(2))
    assert Constellation("16qam").map([0, 0, 0, 1]) == pytest.approx((1 + 3j) / np.sqrt(10))
    assert Constellation("64qam").map([1, 0, 1, 1, 0, 0]) == pytest.approx((-5 + 5j) / np.sqrt(42))


@pytest.mark.parametrize("frame_type", FRAME_TYPES)
def test_llr_is_exact_max_log(frame_type):
    """Against brute-force max-log over all M points, with a different noise variance per symbol."""
    rng = np.random.default_rng(int(frame_type))
    c = Constellation(frame_type)
    y = 1.5 * (rng.standard_normal(2000) + 1j * rng.standard_normal(2000))
    n0 = rng.uniform(0.01, 2.0, y.size)
    m = c.bits_per_symbol
    labels = (np.arange(1 << m)[:, None] >> np.arange(m)[::-1]) & 1
    dist = np.abs(y[:, None] - c.points[None, :]) ** 2
    brute = np.stack(
        [(dist[:, labels[:, j] == 0].min(1) - dist[:, labels[:, j] == 1].min(1)) / n0 for j in range(m)],
        axis=1,
    )
    np.testing.assert_allclose(c.llr(y, n0), brute.ravel(), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("frame_type", FRAME_TYPES)
def test_llr_sign_convention(frame_type):
    """Positive LLR = bit 1 (gr-fec's LDPC decoder input): noiseless symbols give back their bits."""
    c = Constellation(frame_type)
    bits = np.random.default_rng(3).integers(0, 2, 600 * c.bits_per_symbol).astype(np.uint8)
    llr = c.llr(c.map(bits), 0.1)
    np.testing.assert_array_equal((llr > 0).astype(np.uint8), bits)


def ebn0_at_ber(frame_type, target):
    low, high = -5.0, 30.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if theoretical_ber(frame_type, mid) > target else (low, mid)
    return (low + high) / 2


@pytest.mark.parametrize("frame_type", FRAME_TYPES)
def test_hard_decision_ber_within_0p2_db_of_theory(frame_type):
    """1e6 bits through AWGN at the Eb/N0 where Gray BER is 1e-3 in theory.

    The measured BER must lie between the theory 0.2 dB either side, i.e. the simulated curve crosses 1e-3
    within 0.2 dB of the closed form (0.2 dB is about +-30% in BER there; 1000 expected errors give +-3%).
    """
    rng = np.random.default_rng(10 + int(frame_type))
    c = Constellation(frame_type)
    ebn0 = ebn0_at_ber(frame_type, 1e-3)
    bits = rng.integers(0, 2, 1_000_002 // c.bits_per_symbol * c.bits_per_symbol).astype(np.uint8)
    symbols = c.map(bits)
    n0 = 1 / (c.bits_per_symbol * 10 ** (ebn0 / 10))
    noise = np.sqrt(n0 / 2) * (rng.standard_normal(symbols.size) + 1j * rng.standard_normal(symbols.size))
    ber = np.mean((c.llr(symbols + noise, n0) > 0) != bits)
    assert theoretical_ber(frame_type, ebn0 + 0.2) < ber < theoretical_ber(frame_type, ebn0 - 0.2)


@pytest.mark.parametrize("ebn0_db", [0.0, 6.0, 12.0])
def test_theory_matches_textbook_forms(ebn0_db):
    """The general formula against the written-out QPSK and 16QAM Gray expressions."""
    gamma = 10 ** (ebn0_db / 10)
    assert theoretical_ber(FrameType.QPSK, ebn0_db) == pytest.approx(0.5 * math.erfc(math.sqrt(gamma)))
    a = math.sqrt(2 * gamma / 5)
    qam16 = 3 / 8 * math.erfc(a) + 1 / 4 * math.erfc(3 * a) - 1 / 8 * math.erfc(5 * a)
    assert theoretical_ber(FrameType.QAM16, ebn0_db) == pytest.approx(qam16)

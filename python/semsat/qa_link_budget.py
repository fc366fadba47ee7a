"""Free-space path loss and C/N against hand calculations."""

import math

import numpy as np
import pytest
from gnuradio.semsat import link_budget, orbit

C = 299792458.0


def test_fspl_at_600_km_2_ghz() -> None:
    by_hand = 20 * math.log10(4 * math.pi * 600e3 * 2e9 / C)
    assert link_budget.fspl_db(600e3, 2e9) == pytest.approx(by_hand, abs=1e-9)
    assert by_hand == pytest.approx(154.03, abs=0.01)


def test_fspl_is_vectorised_and_grows_6_db_per_distance_doubling() -> None:
    losses = link_budget.fspl_db(np.array([600e3, 1200e3, 2400e3]), 2e9)
    np.testing.assert_allclose(np.diff(losses), 20 * math.log10(2), atol=1e-9)


def test_snr_matches_hand_numbers() -> None:
    link = link_budget.LinkBudget(eirp_dbw=34.0, g_over_t_db_k=-31.6, bandwidth_hz=1e6, extra_losses_db=3.0)
    # 34 - 31.6 - 154.031 - 3 + 228.6 - 60 = 13.969 dB at 600 km (zenith of a 600 km pass).
    assert link.snr_db(600e3, 2e9) == pytest.approx(13.969, abs=0.001)
    # Twice the range: 6.02 dB less.
    assert link.snr_db(1200e3, 2e9) == pytest.approx(13.969 - 6.021, abs=0.001)


def test_default_link_gives_usable_snr_over_a_600_km_pass() -> None:
    overhead = orbit.circular_pass(600e3, 2e9)
    snr = link_budget.DEFAULT_LINK_BUDGET.snr_db(overhead.slant_range_m, 2e9)
    assert 5.0 < snr.min() < snr.max() < 20.0
    assert snr.max() == pytest.approx(16.97, abs=0.01)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"bandwidth_hz": 0.0},
        {"bandwidth_hz": -1e6},
        {"bandwidth_hz": float("nan")},
        {"extra_losses_db": -1.0},
        {"eirp_dbw": float("inf")},
    ],
)
def test_link_budget_rejects_impossible_parameters(kwargs: dict[str, float]) -> None:
    arguments = {"eirp_dbw": 34.0, "g_over_t_db_k": -31.6, "bandwidth_hz": 1e6} | kwargs
    with pytest.raises(ValueError, match="must"):
        link_budget.LinkBudget(**arguments)


@pytest.mark.parametrize(("distance", "carrier"), [(0.0, 2e9), (-1.0, 2e9), (600e3, 0.0)])
def test_fspl_rejects_impossible_parameters(distance: float, carrier: float) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        link_budget.fspl_db(distance, carrier)

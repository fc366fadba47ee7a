"""The wire's duration repair: as many durations as phones, each at least one frame, summing to the clip;
a consistent set comes back unchanged and a scaled one keeps its proportions."""

from __future__ import annotations

import numpy as np
import pytest
from gnuradio.semsat.link.semantics_to_wire import fit_durations


def test_consistent_durations_are_kept():
    d = np.array([3, 10, 1, 20, 41])
    np.testing.assert_array_equal(fit_durations(d, 5, 75), d)


@pytest.mark.parametrize("n_phones", [3, 5, 8])
def test_fitted_durations_obey_the_wire_format(n_phones):
    noisy = np.array([2.6, 11.2, 0.0, -3.0, 30.0, 4.0])
    fitted = fit_durations(noisy, n_phones, 75)
    assert len(fitted) == n_phones and fitted.min() >= 1 and fitted.sum() == 75


def test_scaling_keeps_proportions():
    fitted = fit_durations(np.array([11, 21, 41]), 3, 143)  # shares above one frame doubled: 3 + 2 x 70
    np.testing.assert_array_equal(fitted, [21, 41, 81])


def test_more_phones_than_frames_is_refused():
    with pytest.raises(ValueError):
        fit_durations(np.ones(10), 10, 5)

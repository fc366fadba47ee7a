"""Downlink signal-to-noise ratio from a free-space link budget along a satellite pass."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .orbit import SPEED_OF_LIGHT

BOLTZMANN_DBW_PER_K_HZ = -228.6


def fspl_db(distance_m: npt.ArrayLike, carrier_hz: float) -> np.ndarray | float:
    """Free-space path loss 20 log10(4 pi d f / c) in dB, element-wise over `distance_m`."""
    distance = np.asarray(distance_m, dtype=float)
    if not carrier_hz > 0.0:
        raise ValueError(f"carrier_hz must be positive, got {carrier_hz}")
    # "not > 0" also catches NaN distances.
    if not np.all(distance > 0.0):
        raise ValueError("distance_m must be positive (slant range in metres)")
    return 20.0 * np.log10(4.0 * np.pi * distance * carrier_hz / SPEED_OF_LIGHT)


@dataclass(frozen=True)
class LinkBudget:
    """Satellite EIRP, receiver G/T, noise bandwidth and fixed extra losses (polarization, shadowing, ...)."""

    eirp_dbw: float
    g_over_t_db_k: float
    bandwidth_hz: float
    extra_losses_db: float = 0.0

    def __post_init__(self) -> None:
        for name in ("eirp_dbw", "g_over_t_db_k", "extra_losses_db"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be a finite number of dB, got {getattr(self, name)}")
        if not self.bandwidth_hz > 0.0:
            raise ValueError(
                f"bandwidth_hz must be positive (receiver noise bandwidth), got {self.bandwidth_hz}"
            )
        if self.extra_losses_db < 0.0:
            raise ValueError(
                f"extra_losses_db must be >= 0, got {self.extra_losses_db}; "
                "put gains into eirp_dbw or g_over_t_db_k"
            )

    def snr_db(self, slant_range_m: npt.ArrayLike, carrier_hz: float) -> np.ndarray | float:
        """C/N in dB at each slant range: EIRP + G/T - FSPL - losses - k - 10 log10(B)."""
        return (
            self.eirp_dbw
            + self.g_over_t_db_k
            - fspl_db(slant_range_m, carrier_hz)
            - self.extra_losses_db
            - BOLTZMANN_DBW_PER_K_HZ
            - 10.0 * math.log10(self.bandwidth_hz)
        )


# S-band LEO-600 downlink to a handheld terminal, from 3GPP TR 38.821 Table 6.1.1.1-1 (set-1): satellite EIRP
# density 34 dBW/MHz, here over a 1 MHz channel, and handheld UE G/T = -31.6 dB/K (0 dBi antenna, 7 dB noise
# figure, 290 K antenna temperature: 10 log10(290 * 10^0.7) = 31.6 dB K). Over a 600 km pass at 2 GHz this
# gives about 17 dB C/N at zenith and 7 dB at 10 degrees elevation. The TR's own link budgets also
# subtract polarization, shadow-fading and scintillation margins (several dB): pass them as extra_losses_db.
DEFAULT_LINK_BUDGET = LinkBudget(eirp_dbw=34.0, g_over_t_db_k=-31.6, bandwidth_hz=1e6)

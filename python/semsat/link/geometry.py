"""Where the satellite is while a clip crosses the link: the bulk Doppler (a trajectory over the clip), the
propagation delay and the free-space path loss, from a fixed elevation or from a TLE pass.

- Fixed elevation (``at_elevation``): a circular orbit at ``altitude_m`` seen at ``elevation_deg`` on an
  overhead pass, held for the whole clip: the Doppler is TR 38.821's v/c R/(R+h) cos(e) f_c (approaching,
  so positive), the delay and the FSPL those of the slant range at that elevation.
- TLE pass (``from_tle``): the first complete pass above 10 deg after ``start`` over the station, propagated
  with SGP4 (orbit.tle_passes); the clip starts so that its middle is the pass's highest point, and the
  Doppler follows the pass (1 s points, linear in between: a chirp) over the clip.

The terminal pre-compensates the bulk Doppler from the ephemeris as NR NTN terminals do. Its ephemeris is
read ``EPHEMERIS_ERROR_S`` late (an orbit/clock error), so a pass leaves a residual of a few hundred Hz at
most (Doppler rate x 0.5 s) for the receiver's CFO estimator; a fixed elevation leaves none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from ..link_budget import fspl_db
from ..orbit import EARTH_RADIUS_M, SPEED_OF_LIGHT, doppler_at_elevation, read_tle_file, tle_passes

CARRIER_HZ = 2e9  # S band, the carrier of TR 38.821's LEO-600 set and of the channel tests
EPHEMERIS_ERROR_S = 0.5
TLE_SEARCH_S = 86_400.0
TLE_MIN_ELEVATION_DEG = 10.0


@dataclass(frozen=True)
class LinkGeometry:
    """The Doppler over the clip (``doppler_times_s`` from the clip's first sample, ``doppler_hz``), what
    the terminal believes it is (``compensation_hz`` at the same times), and the geometry at the clip's
    start."""

    description: str
    altitude_m: float
    elevation_deg: float
    slant_range_m: float
    doppler_times_s: list[float]
    doppler_hz: list[float]
    compensation_hz: list[float]
    carrier_hz: float = CARRIER_HZ

    @property
    def delay_s(self) -> float:
        return self.slant_range_m / SPEED_OF_LIGHT

    @property
    def fspl_db(self) -> float:
        return float(fspl_db(self.slant_range_m, self.carrier_hz))

    def summary(self) -> dict[str, object]:
        return {
            "geometry": self.description,
            "altitude_km": self.altitude_m / 1e3,
            "elevation_deg": self.elevation_deg,
            "slant_range_km": self.slant_range_m / 1e3,
            "delay_ms": self.delay_s * 1e3,
            "fspl_db": self.fspl_db,
            "carrier_hz": self.carrier_hz,
            "doppler_hz": [min(self.doppler_hz), max(self.doppler_hz)],
            "residual_doppler_hz": float(np.max(np.abs(np.subtract(self.doppler_hz, self.compensation_hz)))),
        }


def slant_range_m(altitude_m: float, elevation_deg: float) -> float:
    """Station-to-satellite distance at ``altitude_m`` seen at ``elevation_deg`` (spherical Earth)."""
    e = math.radians(elevation_deg)
    r = EARTH_RADIUS_M
    return math.sqrt((r + altitude_m) ** 2 - (r * math.cos(e)) ** 2) - r * math.sin(e)


def at_elevation(altitude_m: float, elevation_deg: float, carrier_hz: float = CARRIER_HZ) -> LinkGeometry:
    if not 300e3 <= altitude_m <= 1200e3:
        raise ValueError(
            f"altitude must be 300-1200 km (the LEO range of DESIGN.md), got {altitude_m / 1e3:g} km"
        )
    if not 10.0 <= elevation_deg <= 90.0:
        raise ValueError(f"elevation must be 10-90 degrees (above the NTN minimum), got {elevation_deg:g}")
    doppler = doppler_at_elevation(altitude_m, elevation_deg, carrier_hz)
    return LinkGeometry(
        f"circular orbit {altitude_m / 1e3:g} km, fixed elevation {elevation_deg:g} deg",
        altitude_m,
        elevation_deg,
        slant_range_m(altitude_m, elevation_deg),
        [0.0],
        [doppler],
        [doppler],
        carrier_hz,
    )


def from_tle(
    path: str | Path,
    latitude_deg: float,
    longitude_deg: float,
    start: datetime,
    clip_seconds: float,
    carrier_hz: float = CARRIER_HZ,
) -> LinkGeometry:
    """The first complete pass of the TLE's satellite after ``start``, the clip centred on its peak."""
    name, line1, line2 = read_tle_file(path)
    passes = tle_passes(
        line1, line2, latitude_deg, longitude_deg, 0.0, carrier_hz, start, TLE_SEARCH_S, 1.0,
        TLE_MIN_ELEVATION_DEG,
    )  # fmt: skip
    if not passes:
        raise ValueError(
            f"{path}: no complete pass above {TLE_MIN_ELEVATION_DEG:g} deg within a day of {start}"
        )
    p = passes[0]
    peak = float(p.time_s[int(np.argmax(p.elevation_deg))])
    begin = max(float(p.time_s[0]), peak - clip_seconds / 2)
    times = [t for t in np.arange(0.0, clip_seconds + 2.0, 1.0)]
    truth = np.interp(begin + np.array(times), p.time_s, p.doppler_hz)
    believed = np.interp(begin + np.array(times) + EPHEMERIS_ERROR_S, p.time_s, p.doppler_hz)
    utc = p.start_utc.isoformat() if p.start_utc else "?"
    peak_deg = float(p.elevation_deg.max())
    return LinkGeometry(
        f"TLE {name or Path(path).name}: pass from {utc}, clip at t={begin:.0f} s (peak {peak_deg:.1f} deg)",
        float(p.altitude_m),
        float(np.interp(begin, p.time_s, p.elevation_deg)),
        float(np.interp(begin, p.time_s, p.slant_range_m)),
        [float(t) for t in times],
        [float(v) for v in truth],
        [float(v) for v in believed],
        carrier_hz,
    )

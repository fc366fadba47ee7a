"""Satellite pass geometry: elevation, slant range, delay, Doppler and Doppler rate at a ground station.

Two models produce the same `Pass` record:

- `circular_pass`: a circular orbit over a spherical, non-rotating Earth, in closed form. This is the model of
  3GPP TR 38.821 / ../shared/reference/ntn-channel.md and is what the channel tests are written against.
- `tle_passes`: a real satellite from a two-line element set, propagated with SGP4, over a rotating
  WGS-84 Earth.

Doppler sign convention: positive while the satellite approaches, so f_received = f_carrier + doppler_hz.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sgp4 import io as sgp4_io
from sgp4.api import SGP4_ERRORS, WGS72, Satrec, jday
from sgp4.earth_gravity import wgs72

EARTH_RADIUS_M = 6371e3
GM = 3.986004418e14
SPEED_OF_LIGHT = 299792458.0

# Earth rotation rate consistent with the IAU-82 sidereal time used to rotate TEME into the Earth-fixed frame.
EARTH_ROTATION_RAD_S = 7.292115146706979e-5
WGS84_SEMI_MAJOR_AXIS_M = 6378137.0
WGS84_FLATTENING = 1.0 / 298.257223563

MAX_ALTITUDE_M = 50_000e3
# Guards against a step so small (or a window so long) that the time grid would not fit in memory.
MAX_SAMPLES = 5_000_000

FloatArray = npt.NDArray[np.float64]


# eq=False: comparing numpy array fields with == is ambiguous, so passes compare by identity.
@dataclass(frozen=True, eq=False)
class Pass:
    """One satellite pass over a ground station, sampled on a uniform time grid.

    `time_s` is 0 at closest approach for `circular_pass` and 0 at acquisition of signal (AOS) for
    `tle_passes`, whose absolute AOS time is `start_utc`. `azimuth_deg` is NaN for the circular model.
    `altitude_m` is the orbit altitude (its mean over the pass for TLE passes).
    """

    time_s: FloatArray
    elevation_deg: FloatArray
    azimuth_deg: FloatArray
    slant_range_m: FloatArray
    delay_s: FloatArray
    doppler_hz: FloatArray
    doppler_rate_hz_s: FloatArray
    carrier_hz: float
    altitude_m: float
    start_utc: datetime | None = None


def circular_pass(
    altitude_m: float,
    carrier_hz: float,
    max_elevation_deg: float = 90.0,
    min_elevation_deg: float = 10.0,
    step_s: float = 1.0,
) -> Pass:
    """Pass of a satellite on a circular orbit that peaks at `max_elevation_deg`, from AOS to LOS.

    The ground station sits at central angle beta from the orbital plane, chosen so that the highest elevation
    is `max_elevation_deg`; the satellite's angle along its orbit from closest approach is theta = omega t.
    Samples are taken every `step_s` from t = 0 (closest approach) outwards while elevation >= the minimum.
    Earth rotation is ignored: the station's speed (up to 465 m/s) changes the Doppler by up to about 6%;
    `tle_passes` includes it.
    """
    _check_altitude(altitude_m)
    _check_positive("carrier_hz", carrier_hz)
    _check_elevation("max_elevation_deg", max_elevation_deg)
    _check_elevation("min_elevation_deg", min_elevation_deg)
    if min_elevation_deg >= max_elevation_deg:
        raise ValueError(
            f"min_elevation_deg ({min_elevation_deg}) must be below max_elevation_deg ({max_elevation_deg})"
        )
    _check_positive("step_s", step_s)

    orbit_radius = EARTH_RADIUS_M + altitude_m
    angular_rate = math.sqrt(GM / orbit_radius**3)
    plane_offset = _central_angle(altitude_m, max_elevation_deg)
    # Spherical right triangle: cos(central angle) = cos(theta) cos(beta); at LOS the central angle is the one
    # at the minimum elevation.
    theta_los = math.acos(math.cos(_central_angle(altitude_m, min_elevation_deg)) / math.cos(plane_offset))
    half_samples = math.floor(theta_los / angular_rate / step_s)
    _check_sample_count(2 * half_samples + 1)
    time_s = np.arange(-half_samples, half_samples + 1) * step_s

    theta = angular_rate * time_s
    cos_central = np.cos(theta) * math.cos(plane_offset)
    radii_product = EARTH_RADIUS_M * orbit_radius
    slant_range = np.sqrt(orbit_radius**2 + EARTH_RADIUS_M**2 - 2.0 * radii_product * cos_central)
    range_rate = radii_product * angular_rate * math.cos(plane_offset) * np.sin(theta) / slant_range
    # Differentiating d * d' = R (R+h) omega cos(beta) sin(theta) once more gives d'^2 + d d''.
    range_accel = (radii_product * angular_rate**2 * cos_central - range_rate**2) / slant_range
    elevation = np.degrees(np.arcsin((orbit_radius * cos_central - EARTH_RADIUS_M) / slant_range))

    return Pass(
        time_s=time_s,
        elevation_deg=elevation,
        azimuth_deg=np.full_like(time_s, np.nan),
        slant_range_m=slant_range,
        delay_s=slant_range / SPEED_OF_LIGHT,
        doppler_hz=-range_rate * carrier_hz / SPEED_OF_LIGHT,
        doppler_rate_hz_s=-range_accel * carrier_hz / SPEED_OF_LIGHT,
        carrier_hz=float(carrier_hz),
        altitude_m=float(altitude_m),
    )


def orbital_speed(altitude_m: float) -> float:
    """Speed of a circular orbit at `altitude_m`, in m/s."""
    _check_altitude(altitude_m)
    return math.sqrt(GM / (EARTH_RADIUS_M + altitude_m))


def doppler_at_elevation(altitude_m: float, elevation_deg: float, carrier_hz: float) -> float:
    """Doppler magnitude in Hz at `elevation_deg` for an overhead circular pass (TR 38.821 formula)."""
    _check_elevation("elevation_deg", elevation_deg)
    _check_positive("carrier_hz", carrier_hz)
    radius_ratio = EARTH_RADIUS_M / (EARTH_RADIUS_M + altitude_m)
    speed_ratio = orbital_speed(altitude_m) / SPEED_OF_LIGHT
    return speed_ratio * radius_ratio * math.cos(math.radians(elevation_deg)) * carrier_hz


def max_doppler_rate(altitude_m: float, carrier_hz: float) -> float:
    """Doppler rate magnitude in Hz/s at zenith of an overhead circular pass, the largest of any pass."""
    _check_positive("carrier_hz", carrier_hz)
    speed = orbital_speed(altitude_m)
    # At zenith the range rate is zero, so the range acceleration is R v^2 / ((R + h) h).
    range_accel = EARTH_RADIUS_M * speed**2 / ((EARTH_RADIUS_M + altitude_m) * altitude_m)
    return range_accel * carrier_hz / SPEED_OF_LIGHT


def read_tle_file(path: str | Path) -> tuple[str, str, str]:
    """Read a two-line or three-line (name first) TLE file; returns (name, line1, line2), name "" if none."""
    lines = [line.rstrip() for line in Path(path).read_text().splitlines() if line.strip()]
    if len(lines) == 2:
        return "", lines[0], lines[1]
    if len(lines) == 3:
        return lines[0].strip(), lines[1], lines[2]
    raise ValueError(f"{path}: expected a two-line or three-line TLE, found {len(lines)} non-empty lines")


def tle_passes(
    line1: str,
    line2: str,
    latitude_deg: float,
    longitude_deg: float,
    station_altitude_m: float,
    carrier_hz: float,
    start: datetime,
    duration_s: float,
    step_s: float = 1.0,
    min_elevation_deg: float = 10.0,
) -> list[Pass]:
    """Complete passes above `min_elevation_deg` of a TLE satellite over a ground station.

    The satellite is propagated with SGP4 (TEME frame) every `step_s` from `start` for `duration_s` and
    rotated into the Earth-fixed frame with the IAU-82 GMST (UTC is used for UT1, polar motion is ignored:
    both move the station by well under a kilometre). The station is a WGS-84 geodetic point (east longitude
    positive). Range rate comes from the Earth-fixed velocity; range acceleration is its central difference.
    Passes already above the minimum at `start` or still above it at the end are left out, so every pass
    starts at its true AOS.
    """
    _check_positive("carrier_hz", carrier_hz)
    _check_positive("duration_s", duration_s)
    _check_positive("step_s", step_s)
    _check_elevation("min_elevation_deg", min_elevation_deg)
    if not -90.0 <= latitude_deg <= 90.0:
        raise ValueError(f"latitude_deg must be within [-90, 90], got {latitude_deg}")
    if not -180.0 <= longitude_deg <= 360.0:
        raise ValueError(f"longitude_deg must be within [-180, 360] (east positive), got {longitude_deg}")
    if not -1e3 <= station_altitude_m <= 100e3:
        raise ValueError(f"station_altitude_m must be within [-1 km, 100 km], got {station_altitude_m} m")
    if start.tzinfo is None:
        raise ValueError(
            "start must carry a time zone, e.g. datetime(2024, 5, 1, tzinfo=UTC); a naive time is ambiguous"
        )
    start = start.astimezone(UTC)
    satellite = _parse_tle(line1, line2)

    _check_sample_count(duration_s / step_s)
    offsets = np.arange(0.0, duration_s + step_s / 2, step_s)
    jd_whole, jd_fraction = jday(
        start.year, start.month, start.day, start.hour, start.minute, start.second + start.microsecond * 1e-6
    )
    jd_wholes = np.full_like(offsets, jd_whole)
    jd_fractions = jd_fraction + offsets / 86400.0
    errors, position_km, velocity_km_s = satellite.sgp4_array(jd_wholes, jd_fractions)
    if np.any(errors):
        first = int(np.argmax(errors != 0))
        when = start + timedelta(seconds=float(offsets[first]))
        raise ValueError(f"SGP4 failed at {when.isoformat()}: {SGP4_ERRORS[int(errors[first])]}")

    position, velocity = _teme_to_earth_fixed(
        position_km * 1e3, velocity_km_s * 1e3, gmst_rad(jd_wholes, jd_fractions)
    )
    east, north, up = _local_axes(latitude_deg, longitude_deg)
    line_of_sight = position - _geodetic_to_earth_fixed(latitude_deg, longitude_deg, station_altitude_m)
    slant_range = np.linalg.norm(line_of_sight, axis=1)
    range_rate = np.einsum("ij,ij->i", line_of_sight, velocity) / slant_range
    range_accel = np.gradient(range_rate, offsets)
    elevation = np.degrees(np.arcsin(line_of_sight @ up / slant_range))
    azimuth = np.degrees(np.arctan2(line_of_sight @ east, line_of_sight @ north)) % 360.0
    satellite_altitude = np.linalg.norm(position, axis=1) - EARTH_RADIUS_M

    passes = []
    for aos, los in _complete_runs(elevation >= min_elevation_deg):
        span = slice(aos, los)
        passes.append(
            Pass(
                time_s=offsets[span] - offsets[aos],
                elevation_deg=elevation[span],
                azimuth_deg=azimuth[span],
                slant_range_m=slant_range[span],
                delay_s=slant_range[span] / SPEED_OF_LIGHT,
                doppler_hz=-range_rate[span] * carrier_hz / SPEED_OF_LIGHT,
                doppler_rate_hz_s=-range_accel[span] * carrier_hz / SPEED_OF_LIGHT,
                carrier_hz=float(carrier_hz),
                altitude_m=float(np.mean(satellite_altitude[span])),
                start_utc=start + timedelta(seconds=float(offsets[aos])),
            )
        )
    return passes


def gmst_rad(jd_ut1_whole: npt.ArrayLike, jd_ut1_fraction: npt.ArrayLike) -> FloatArray:
    """Greenwich mean sidereal time in radians from a two-part UT1 Julian date (IAU-82, Vallado eq. 3-47)."""
    centuries = ((np.asarray(jd_ut1_whole) - 2451545.0) + np.asarray(jd_ut1_fraction)) / 36525.0
    seconds = (
        67310.54841
        + (876600.0 * 3600.0 + 8640184.812866) * centuries
        + 0.093104 * centuries**2
        - 6.2e-6 * centuries**3
    )
    return np.mod(seconds, 86400.0) * (2.0 * np.pi / 86400.0)


def _parse_tle(line1: str, line2: str) -> Satrec:
    for number, line in ((1, line1), (2, line2)):
        if len(line) != 69 or not line.startswith(f"{number} "):
            raise ValueError(
                f"invalid TLE: line {number} must be 69 characters starting with '{number} ': {line!r}"
            )
        if _tle_checksum(line) != line[68]:
            raise ValueError(
                f"invalid TLE: line {number} ends in checksum {line[68]} but its digits sum to "
                f"{_tle_checksum(line)} (mod 10); the line is corrupted"
            )
    try:
        # The accelerated Satrec parser accepts malformed lines silently; sgp4's pure-Python parser explains.
        sgp4_io.twoline2rv(line1, line2, wgs72)
    except ValueError as error:
        explanation = " ".join(str(error).split())
        raise ValueError(f"invalid TLE: {explanation}") from error
    return Satrec.twoline2rv(line1, line2, WGS72)


def _tle_checksum(line: str) -> str:
    return str(sum(int(char) if char.isdigit() else 1 if char == "-" else 0 for char in line[:68]) % 10)


def _teme_to_earth_fixed(
    position: FloatArray, velocity: FloatArray, gmst: FloatArray
) -> tuple[FloatArray, FloatArray]:
    cos_g, sin_g = np.cos(gmst), np.sin(gmst)
    x = cos_g * position[:, 0] + sin_g * position[:, 1]
    y = -sin_g * position[:, 0] + cos_g * position[:, 1]
    vx = cos_g * velocity[:, 0] + sin_g * velocity[:, 1]
    vy = -sin_g * velocity[:, 0] + cos_g * velocity[:, 1]
    # The Earth-fixed frame rotates: subtract omega x r from the rotated inertial velocity.
    earth_fixed_position = np.column_stack((x, y, position[:, 2]))
    earth_fixed_velocity = np.column_stack(
        (vx + EARTH_ROTATION_RAD_S * y, vy - EARTH_ROTATION_RAD_S * x, velocity[:, 2])
    )
    return earth_fixed_position, earth_fixed_velocity


def _geodetic_to_earth_fixed(latitude_deg: float, longitude_deg: float, altitude_m: float) -> FloatArray:
    latitude, longitude = math.radians(latitude_deg), math.radians(longitude_deg)
    eccentricity_sq = WGS84_FLATTENING * (2.0 - WGS84_FLATTENING)
    prime_vertical = WGS84_SEMI_MAJOR_AXIS_M / math.sqrt(1.0 - eccentricity_sq * math.sin(latitude) ** 2)
    return np.array(
        [
            (prime_vertical + altitude_m) * math.cos(latitude) * math.cos(longitude),
            (prime_vertical + altitude_m) * math.cos(latitude) * math.sin(longitude),
            (prime_vertical * (1.0 - eccentricity_sq) + altitude_m) * math.sin(latitude),
        ]
    )


def _local_axes(latitude_deg: float, longitude_deg: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """East, north and up unit vectors of the station in the Earth-fixed frame."""
    latitude, longitude = math.radians(latitude_deg), math.radians(longitude_deg)
    sin_lat, cos_lat = math.sin(latitude), math.cos(latitude)
    sin_lon, cos_lon = math.sin(longitude), math.cos(longitude)
    east = np.array([-sin_lon, cos_lon, 0.0])
    north = np.array([-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat])
    up = np.array([cos_lat * cos_lon, cos_lat * sin_lon, sin_lat])
    return east, north, up


def _complete_runs(above: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(first, one-past-last) index of each run of True that neither touches the start nor the end."""
    edges = np.diff(np.concatenate(([0], above.astype(np.int8), [0])))
    rises, falls = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(r), int(f)) for r, f in zip(rises, falls, strict=True) if r > 0 and f < len(above)]


def _central_angle(altitude_m: float, elevation_deg: float) -> float:
    """Earth central angle between the station and the sub-satellite point at a given elevation."""
    elevation = math.radians(elevation_deg)
    return math.acos(EARTH_RADIUS_M * math.cos(elevation) / (EARTH_RADIUS_M + altitude_m)) - elevation


def _check_altitude(altitude_m: float) -> None:
    if not 0.0 < altitude_m <= MAX_ALTITUDE_M:
        raise ValueError(
            f"altitude must be within (0, {MAX_ALTITUDE_M / 1e3:.0f} km], got {altitude_m / 1e3} km"
        )


def _check_elevation(name: str, elevation_deg: float) -> None:
    if not 0.0 <= elevation_deg <= 90.0:
        raise ValueError(f"{name} must be within [0, 90] degrees, got {elevation_deg}")


def _check_sample_count(count: float) -> None:
    if count > MAX_SAMPLES:
        raise ValueError(
            f"the pass would need {count:.3g} time samples (limit {MAX_SAMPLES}); use a larger step_s"
        )


def _check_positive(name: str, value: float) -> None:
    # Written as "not > 0" so that NaN is rejected too.
    if not value > 0.0:
        raise ValueError(f"{name} must be positive, got {value}")

"""Pass geometry against the reference table (ntn-channel.md, TR 38.821) and against independent geometry."""

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from gnuradio.semsat import orbit
from sgp4.api import jday

CARRIER_HZ = 2e9

# ISS (ZARYA), epoch 2019-12-09 16:38 UTC; both checksums verified.
ISS_LINE1 = "1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991"
ISS_LINE2 = "2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482"
ISS_START = datetime(2019, 12, 9, 12, 0, tzinfo=UTC)
GREENWICH = (51.48, 0.0)


@pytest.mark.parametrize(
    ("altitude_km", "expected_khz"),
    [(300, (48.5, 42.7, 31.7)), (600, (45.4, 39.9, 29.6)), (1200, (40.1, 35.3, 26.2))],
)
def test_doppler_matches_reference_table(altitude_km: float, expected_khz: tuple[float, ...]) -> None:
    overhead = orbit.circular_pass(altitude_km * 1e3, CARRIER_HZ, min_elevation_deg=5.0)
    approaching = overhead.time_s <= 0  # elevation rises monotonically on this half
    for elevation, expected in zip((10.0, 30.0, 50.0), expected_khz, strict=True):
        formula = orbit.doppler_at_elevation(altitude_km * 1e3, elevation, CARRIER_HZ) / 1e3
        along_pass = (
            np.interp(elevation, overhead.elevation_deg[approaching], overhead.doppler_hz[approaching]) / 1e3
        )
        assert formula == pytest.approx(expected, rel=0.01)
        assert along_pass == pytest.approx(expected, rel=0.01)


def test_zenith_delay_600_km() -> None:
    overhead = orbit.circular_pass(600e3, CARRIER_HZ)
    zenith = np.argmax(overhead.elevation_deg)
    assert overhead.elevation_deg[zenith] == pytest.approx(90.0, abs=1e-6)
    assert overhead.delay_s[zenith] * 1e3 == pytest.approx(2.00, abs=0.01)


@pytest.mark.parametrize(("altitude_km", "expected_hz_s"), [(600, 581.0), (1200, 246.0)])
def test_peak_doppler_rate_of_overhead_pass(altitude_km: float, expected_hz_s: float) -> None:
    overhead = orbit.circular_pass(altitude_km * 1e3, CARRIER_HZ)
    assert np.max(np.abs(overhead.doppler_rate_hz_s)) == pytest.approx(expected_hz_s, rel=0.02)
    assert orbit.max_doppler_rate(altitude_km * 1e3, CARRIER_HZ) == pytest.approx(expected_hz_s, rel=0.02)


@pytest.mark.parametrize("max_elevation", [90.0, 45.0, 15.0])
def test_doppler_rate_is_derivative_of_doppler(max_elevation: float) -> None:
    low_pass = orbit.circular_pass(600e3, CARRIER_HZ, max_elevation_deg=max_elevation, step_s=0.5)
    numerical = np.gradient(low_pass.doppler_hz, low_pass.time_s)
    np.testing.assert_allclose(low_pass.doppler_rate_hz_s[1:-1], numerical[1:-1], atol=0.05)


def test_doppler_changes_sign_at_closest_approach() -> None:
    offset_pass = orbit.circular_pass(600e3, CARRIER_HZ, max_elevation_deg=40.0)
    before, at, after = offset_pass.time_s < 0, offset_pass.time_s == 0, offset_pass.time_s > 0
    assert np.all(offset_pass.doppler_hz[before] > 0)  # approaching: received frequency is higher
    assert np.all(offset_pass.doppler_hz[after] < 0)
    assert offset_pass.doppler_hz[at] == pytest.approx([0.0], abs=1e-6)
    assert np.argmin(offset_pass.slant_range_m) == np.flatnonzero(at)[0]


def test_pass_peaks_at_requested_elevation() -> None:
    assert orbit.circular_pass(
        600e3, CARRIER_HZ, max_elevation_deg=30.0
    ).elevation_deg.max() == pytest.approx(30.0, abs=0.1)


def test_overhead_pass_duration_from_geometry() -> None:
    altitude, min_elevation = 600e3, math.radians(10.0)
    radius, orbit_radius = orbit.EARTH_RADIUS_M, orbit.EARTH_RADIUS_M + 600e3
    # Slant range at 10 deg from the law of cosines, then the central angle from the law of sines.
    slant = math.sqrt(orbit_radius**2 - (radius * math.cos(min_elevation)) ** 2) - radius * math.sin(
        min_elevation
    )
    central_angle = math.asin(slant * math.cos(min_elevation) / orbit_radius)
    period = 2 * math.pi * math.sqrt(orbit_radius**3 / orbit.GM)
    expected = 2 * central_angle / (2 * math.pi) * period  # about 9.4 minutes

    overhead = orbit.circular_pass(altitude, CARRIER_HZ, step_s=1.0)
    assert overhead.time_s[-1] - overhead.time_s[0] == pytest.approx(expected, abs=2.0)
    assert overhead.elevation_deg[0] >= 10.0
    assert overhead.elevation_deg[0] == pytest.approx(10.0, abs=0.1)
    assert 500 < expected < 600


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"altitude_m": -5e3}, "altitude must be within"),
        ({"altitude_m": 0.0}, "altitude must be within"),
        ({"altitude_m": 60_000e3}, "altitude must be within"),
        ({"carrier_hz": 0.0}, "carrier_hz must be positive"),
        ({"max_elevation_deg": 95.0}, r"max_elevation_deg must be within \[0, 90\]"),
        ({"min_elevation_deg": -1.0}, r"min_elevation_deg must be within \[0, 90\]"),
        ({"min_elevation_deg": 40.0, "max_elevation_deg": 30.0}, "must be below max_elevation_deg"),
        ({"step_s": 0.0}, "step_s must be positive"),
        ({"step_s": float("nan")}, "step_s must be positive"),
        ({"step_s": 1e-6}, "use a larger step_s"),
    ],
)
def test_circular_pass_rejects_impossible_parameters(kwargs: dict[str, float], message: str) -> None:
    arguments = {"altitude_m": 600e3, "carrier_hz": CARRIER_HZ} | kwargs
    with pytest.raises(ValueError, match=message):
        orbit.circular_pass(**arguments)


def test_gmst_matches_vallado_example_3_5() -> None:
    # Vallado, Fundamentals of Astrodynamics, example 3-5: 1992-08-20 12:14 UT1 -> GMST 152.578787810 deg.
    jd_whole, jd_fraction = jday(1992, 8, 20, 12, 14, 0)
    assert math.degrees(float(orbit.gmst_rad(jd_whole, jd_fraction))) == pytest.approx(
        152.578787810, abs=1e-6
    )


def iss_passes() -> list[orbit.Pass]:
    return orbit.tle_passes(ISS_LINE1, ISS_LINE2, *GREENWICH, 0.0, CARRIER_HZ, ISS_START, 86400.0)


def test_tle_passes_found_within_a_day() -> None:
    passes = iss_passes()
    assert len(passes) >= 3  # the ISS passes a mid-latitude station several times a day
    for iss_pass in passes:
        assert iss_pass.start_utc is not None
        assert ISS_START < iss_pass.start_utc < ISS_START + timedelta(days=1)
        assert iss_pass.time_s[0] == 0.0
        assert iss_pass.elevation_deg[0] == pytest.approx(10.0, abs=0.5)
        assert iss_pass.elevation_deg.max() > 10.0
        assert 380e3 < iss_pass.altitude_m < 450e3
        assert np.all((iss_pass.azimuth_deg >= 0) & (iss_pass.azimuth_deg < 360))


def test_tle_range_rate_is_derivative_of_range() -> None:
    for iss_pass in iss_passes():
        range_rate = -iss_pass.doppler_hz * orbit.SPEED_OF_LIGHT / iss_pass.carrier_hz
        numerical = np.gradient(iss_pass.slant_range_m, iss_pass.time_s)
        np.testing.assert_allclose(range_rate[1:-1], numerical[1:-1], atol=0.5)  # m/s, out of ~7 km/s
        assert iss_pass.doppler_hz[0] > 0 > iss_pass.doppler_hz[-1]


def test_tle_doppler_within_circular_orbit_bound() -> None:
    passes = iss_passes()
    for iss_pass in passes:
        # Circular-orbit Doppler at the pass's lowest elevation, +3% for Earth rotation and eccentricity.
        bound = orbit.doppler_at_elevation(iss_pass.altitude_m, 10.0, CARRIER_HZ)
        assert np.max(np.abs(iss_pass.doppler_hz)) < 1.03 * bound
    high = max(passes, key=lambda candidate: candidate.elevation_deg.max())
    assert high.elevation_deg.max() > 70.0
    high_bound = orbit.doppler_at_elevation(high.altitude_m, 10.0, CARRIER_HZ)
    assert np.max(np.abs(high.doppler_hz)) >= 0.8 * high_bound


@pytest.mark.parametrize(
    ("line1", "line2", "message"),
    [
        (ISS_LINE1[:-1] + "0", ISS_LINE2, "checksum"),
        ("garbage", ISS_LINE2, "69 characters"),
        (ISS_LINE1, ISS_LINE2[:8] + "51.6439 " + ISS_LINE2[16:], "TLE format error"),
    ],
)
def test_invalid_tle_is_rejected(line1: str, line2: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        orbit.tle_passes(line1, line2, *GREENWICH, 0.0, CARRIER_HZ, ISS_START, 3600.0)


def test_tle_start_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        orbit.tle_passes(ISS_LINE1, ISS_LINE2, *GREENWICH, 0.0, CARRIER_HZ, datetime(2019, 12, 9), 3600.0)


def test_read_tle_file_accepts_two_and_three_lines(tmp_path) -> None:
    two_line, three_line = tmp_path / "two.tle", tmp_path / "three.tle"
    two_line.write_text(f"{ISS_LINE1}\n{ISS_LINE2}\n")
    three_line.write_text(f"ISS (ZARYA)\n{ISS_LINE1}\n{ISS_LINE2}\n")
    assert orbit.read_tle_file(two_line) == ("", ISS_LINE1, ISS_LINE2)
    assert orbit.read_tle_file(three_line) == ("ISS (ZARYA)", ISS_LINE1, ISS_LINE2)
    one_line = tmp_path / "one.tle"
    one_line.write_text(f"{ISS_LINE1}\n")
    with pytest.raises(ValueError, match="two-line or three-line"):
        orbit.read_tle_file(one_line)

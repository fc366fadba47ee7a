"""Link geometry at a fixed elevation against closed-form truth: the slant range at zenith is the altitude,
and everywhere the law of cosines of the Earth-centre triangle; the Doppler is TR 38.821's, zero at zenith."""

from __future__ import annotations

import math

import pytest
from gnuradio.semsat.link.geometry import at_elevation, slant_range_m
from gnuradio.semsat.orbit import EARTH_RADIUS_M, SPEED_OF_LIGHT, orbital_speed


def test_slant_range_at_zenith_is_the_altitude():
    assert slant_range_m(600e3, 90.0) == pytest.approx(600e3, abs=1e-3)


@pytest.mark.parametrize("elevation", [10.0, 30.0, 45.0, 70.0])
def test_slant_range_closes_the_earth_centre_triangle(elevation):
    d, r = slant_range_m(600e3, elevation), EARTH_RADIUS_M
    # The angle at the station between the zenith and the satellite is 90 + elevation degrees.
    closed = r**2 + d**2 - 2 * r * d * math.cos(math.radians(90.0 + elevation))
    assert math.sqrt(closed) == pytest.approx(r + 600e3, rel=1e-9)


def test_doppler_and_delay_at_an_elevation():
    g = at_elevation(600e3, 10.0)
    v = orbital_speed(600e3)
    expected = (
        v / SPEED_OF_LIGHT * EARTH_RADIUS_M / (EARTH_RADIUS_M + 600e3) * math.cos(math.radians(10.0)) * 2e9
    )
    assert g.doppler_hz == [pytest.approx(expected)] and 40e3 < expected < 50e3
    assert g.delay_s == pytest.approx(slant_range_m(600e3, 10.0) / SPEED_OF_LIGHT)
    assert at_elevation(600e3, 90.0).doppler_hz[0] == pytest.approx(0.0, abs=1e-6)
    assert g.compensation_hz == g.doppler_hz  # a fixed geometry leaves no residual


@pytest.mark.parametrize("altitude, elevation", [(100e3, 45.0), (600e3, 5.0), (600e3, 95.0)])
def test_impossible_geometry_is_refused(altitude, elevation):
    with pytest.raises(ValueError):
        at_elevation(altitude, elevation)


ISS = (
    "ISS (ZARYA)\n"
    "1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991\n"
    "2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482\n"
)


def test_a_tle_pass_centres_the_clip_on_its_peak(tmp_path):
    """The ISS over Greenwich: Doppler within the orbit's v/c f_c, the clip at the pass's peak, and the
    terminal's ephemeris 0.5 s late leaves at most the Doppler rate's worth of residual."""
    from datetime import UTC, datetime

    from gnuradio.semsat.link.geometry import EPHEMERIS_ERROR_S, from_tle
    from gnuradio.semsat.orbit import max_doppler_rate

    tle = tmp_path / "iss.tle"
    tle.write_text(ISS)
    g = from_tle(tle, 51.48, 0.0, datetime(2019, 12, 9, 16, 38, tzinfo=UTC), 3.0)
    assert 380e3 < g.altitude_m < 440e3 and g.elevation_deg >= 10.0
    limit = orbital_speed(g.altitude_m) / SPEED_OF_LIGHT * 2e9
    assert all(abs(f) < limit for f in g.doppler_hz)
    residual = max(abs(a - b) for a, b in zip(g.doppler_hz, g.compensation_hz, strict=True))
    assert 0.0 < residual <= max_doppler_rate(g.altitude_m, 2e9) * EPHEMERIS_ERROR_S
    assert g.delay_s == pytest.approx(g.slant_range_m / SPEED_OF_LIGHT)
    assert "ISS" in g.description

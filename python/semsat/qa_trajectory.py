"""Trajectory files, control messages for the "ctrl" port, and the semsat-pass app that writes them."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pmt
import pytest
from gnuradio.semsat import link_budget, orbit, trajectory

# The app in the source tree (python/semsat/../../apps), or installed beside the interpreter when these QA
# files run from the installed package.
APP_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "apps" / "semsat-pass",
    Path(sys.executable).parent / "semsat-pass",
)
HEADER = "time_s,elevation_deg,slant_range_m,delay_s,doppler_hz,doppler_rate_hz_s,snr_db"
ROW = "{t},45.0,800000.0,0.00266,30000.0,-400.0,12.5"


def pass_trajectory(
    link: link_budget.LinkBudget | None = link_budget.DEFAULT_LINK_BUDGET,
) -> trajectory.Trajectory:
    return trajectory.Trajectory.from_pass(orbit.circular_pass(600e3, 2e9, max_elevation_deg=60.0), link)


def write_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_write_read_round_trip(tmp_path: Path) -> None:
    original = pass_trajectory()
    original.write(tmp_path / "pass.csv")
    loaded = trajectory.Trajectory.read(tmp_path / "pass.csv")
    for column in trajectory.COLUMNS:
        np.testing.assert_array_equal(getattr(loaded, column), getattr(original, column))
    assert loaded.carrier_hz == 2e9
    assert loaded.altitude_m == 600e3


def test_round_trip_keeps_missing_snr_as_nan(tmp_path: Path) -> None:
    pass_trajectory(link=None).write(tmp_path / "no_link.csv")
    assert np.all(np.isnan(trajectory.Trajectory.read(tmp_path / "no_link.csv").snr_db))


def test_interpolation_between_samples() -> None:
    track = pass_trajectory()
    midpoint = (track.time_s[10] + track.time_s[11]) / 2
    assert track.doppler_at(midpoint) == pytest.approx((track.doppler_hz[10] + track.doppler_hz[11]) / 2)
    assert track.doppler_rate_at(track.time_s[5]) == pytest.approx(track.doppler_rate_hz_s[5])
    assert track.snr_db_at(midpoint) == pytest.approx((track.snr_db[10] + track.snr_db[11]) / 2)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (
            ["# carrier_hz=2e9", HEADER.replace(",snr_db", ""), "0.0,45.0,800000.0,0.00266,30000.0,-400.0"],
            r":2: missing column\(s\) snr_db",
        ),
        (
            ["# carrier_hz=2e9", HEADER, ROW.format(t=0.0), ROW.format(t=2.0), ROW.format(t=1.0)],
            r":5: time_s 1.0 does not increase",
        ),
        (["# carrier_hz=2e9", HEADER, ROW.format(t=0.0), ROW.format(t="nan")], r":4: time_s is 'nan'"),
        (["# carrier_hz=2e9", HEADER, ROW.format(t="abc")], r":3: time_s value 'abc' is not a number"),
        (["# carrier_hz=2e9", HEADER, "0.0,45.0"], r":3: 2 values for 7 columns"),
        ([HEADER, ROW.format(t=0.0)], r"missing header line '# carrier_hz=<value>'"),
        (["# carrier_hz=2e9", HEADER], "no data rows"),
        (["# carrier_hz=-2e9", HEADER, ROW.format(t=0.0)], "carrier_hz must be positive"),
    ],
)
def test_malformed_file_names_the_problem(tmp_path: Path, lines: list[str], problem: str) -> None:
    path = write_file(tmp_path / "bad.csv", lines)
    with pytest.raises(ValueError, match=problem) as error:
        trajectory.Trajectory.read(path)
    assert str(path) in str(error.value)


def test_control_messages_are_sample_exact() -> None:
    # A step that is not a whole number of samples' worth of time exercises the rounding.
    track = trajectory.Trajectory.from_pass(
        orbit.circular_pass(600e3, 2e9, step_s=0.37), link_budget.DEFAULT_LINK_BUDGET
    )
    samp_rate = 1.92e6 + 1.0 / 3.0
    messages = trajectory.control_messages(track, samp_rate)
    assert len(messages) == len(track.time_s)
    documented_keys = {"offset", "doppler", "doppler_rate", "snr_db"}
    for index, message in enumerate(messages):
        assert pmt.is_dict(message)
        assert set(pmt.to_python(message)) == documented_keys
        expected_offset = round((track.time_s[index] - track.time_s[0]) * samp_rate)
        assert pmt.to_uint64(pmt.dict_ref(message, pmt.intern("offset"), pmt.PMT_NIL)) == expected_offset
    middle = len(messages) // 2
    for key, column in (
        ("doppler", track.doppler_hz),
        ("doppler_rate", track.doppler_rate_hz_s),
        ("snr_db", track.snr_db),
    ):
        value = pmt.to_double(pmt.dict_ref(messages[middle], pmt.intern(key), pmt.PMT_NIL))
        assert value == column[middle]


def test_control_messages_offset_sign_and_field_choice() -> None:
    track = pass_trajectory(link=None)
    messages = trajectory.control_messages(track, 1e6, fields=("doppler",), time_offset_s=0.25, sign=-1)
    first = messages[0]
    assert pmt.to_uint64(pmt.dict_ref(first, pmt.intern("offset"), pmt.PMT_NIL)) == 250_000
    assert pmt.to_double(pmt.dict_ref(first, pmt.intern("doppler"), pmt.PMT_NIL)) == pytest.approx(
        -track.doppler_hz[0]
    )
    assert not pmt.dict_has_key(first, pmt.intern("doppler_rate"))
    # Without a link budget the SNR is NaN and never sent.
    assert not any(
        pmt.dict_has_key(message, pmt.intern("snr_db")) for message in trajectory.control_messages(track, 1e6)
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"samp_rate": 0.0}, {"fields": ("gain",)}, {"sign": 2}, {"time_offset_s": -1.0}],
)
def test_control_messages_reject_impossible_parameters(kwargs: dict[str, object]) -> None:
    arguments = {"samp_rate": 1e6} | kwargs
    with pytest.raises(ValueError):
        trajectory.control_messages(pass_trajectory(), **arguments)


def run_app(*arguments: str) -> subprocess.CompletedProcess[str]:
    app = next((candidate for candidate in APP_CANDIDATES if candidate.is_file()), None)
    assert app is not None, f"semsat-pass not found at any of {APP_CANDIDATES}"
    return subprocess.run(
        [sys.executable, str(app), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the tests assert on the exit status themselves
    )


def test_app_writes_trajectory_and_plot(tmp_path: Path) -> None:
    csv, png = tmp_path / "trajectory.csv", tmp_path / "pass.png"
    result = run_app("--altitude-km", "600", "--max-elevation", "70", "-o", str(csv), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    track = trajectory.Trajectory.read(csv)
    assert track.elevation_deg.max() == pytest.approx(70.0, abs=0.1)
    assert np.all(np.isfinite(track.snr_db))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 10_000
    assert "Dop kHz" in result.stdout


def test_app_tle_pass(tmp_path: Path) -> None:
    tle = tmp_path / "iss.tle"
    tle.write_text(
        "ISS (ZARYA)\n"
        "1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991\n"
        "2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482\n"
    )
    csv = tmp_path / "iss.csv"
    result = run_app(
        "--tle", str(tle), "--lat", "51.48", "--lon", "0", "--start", "2019-12-09T12:00:00Z", "-o", str(csv)
    )
    assert result.returncode == 0, result.stderr
    assert "AOS 2019-12-09T13:" in result.stdout
    assert trajectory.Trajectory.read(csv).time_s[0] == 0.0


@pytest.mark.parametrize(
    "arguments",
    [
        ("--altitude-km", "-5"),
        ("--min-elevation", "95"),
        ("--bandwidth-hz", "0"),
        ("--tle", "/nonexistent.tle", "--lat", "0", "--lon", "0"),
    ],
)
def test_app_bad_argument_is_one_line_error(arguments: tuple[str, ...]) -> None:
    result = run_app(*arguments)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("semsat-pass: error: ")
    assert result.stdout == ""

"""Doppler trajectory points read from a semsat-pass file, as doppler_cc takes them."""

from pathlib import Path

import numpy as np
import pytest
from gnuradio import blocks, gr
from gnuradio.semsat import doppler_cc, orbit, trajectory
from gnuradio.semsat.trajectory_points import doppler_trajectory


def write_pass(path: Path) -> trajectory.Trajectory:
    track = trajectory.Trajectory.from_pass(orbit.circular_pass(600e3, 2e9, 60.0, 10.0, 5.0))
    track.write(path)
    return track


def test_points_start_at_the_offset_and_keep_the_doppler(tmp_path: Path) -> None:
    track = write_pass(tmp_path / "pass.csv")
    times, freqs = doppler_trajectory(tmp_path / "pass.csv", time_offset_s=2.5)
    assert times[0] == 2.5
    np.testing.assert_allclose(np.diff(times), 5.0)
    np.testing.assert_array_equal(freqs, track.doppler_hz)
    assert all(isinstance(value, float) for value in times + freqs)


def test_doppler_cc_follows_the_file(tmp_path: Path) -> None:
    track = write_pass(tmp_path / "pass.csv")
    samp_rate = 200e3
    times, freqs = doppler_trajectory(tmp_path / "pass.csv")
    # Compress the pass so that it fits in a short run: 200 times faster.
    times = [t / 200.0 for t in times]
    top = gr.top_block()
    n_samples = int(times[-1] * samp_rate) + 1000
    sink = blocks.vector_sink_c()
    top.connect(blocks.vector_source_c([1.0 + 0.0j] * n_samples), doppler_cc(samp_rate, times, freqs), sink)
    top.run()
    phase = np.unwrap(np.angle(np.array(sink.data())))
    frequency = np.diff(phase) * samp_rate / (2.0 * np.pi)
    for index in (0, len(times) // 3, len(times) - 1):
        sample = min(int(times[index] * samp_rate), len(frequency) - 1)
        assert frequency[sample] == pytest.approx(track.doppler_hz[index], abs=50.0)


@pytest.mark.parametrize("offset", [-1.0, float("nan"), float("inf")])
def test_bad_offset_is_explained(tmp_path: Path, offset: float) -> None:
    write_pass(tmp_path / "pass.csv")
    with pytest.raises(ValueError, match="time_offset_s"):
        doppler_trajectory(tmp_path / "pass.csv", offset)


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        doppler_trajectory(tmp_path / "nowhere.csv")

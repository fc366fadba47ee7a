"""The satellite pass control source: one sample-stamped message per pass point, and a flowgraph that ends."""

import threading
from pathlib import Path

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr
from gnuradio.semsat import link_budget, orbit, trajectory
from gnuradio.semsat.pass_control_source import pass_control_source

SAMP_RATE = 100e3
RUN_TIMEOUT_S = 30.0


def published(source: pass_control_source) -> list[dict]:
    """Run `source` beside a short stream; the messages it published, as Python dicts, in order."""
    top = gr.top_block()
    store = blocks.message_debug()
    top.msg_connect(source, "ctrl", store, "store")
    head = blocks.head(gr.sizeof_gr_complex, 10_000)
    top.connect(blocks.null_source(gr.sizeof_gr_complex), head, blocks.null_sink(gr.sizeof_gr_complex))
    # The flowgraph must end by itself once the stream does, although the source has no stream ports.
    runner = threading.Thread(target=top.run, daemon=True)
    runner.start()
    runner.join(RUN_TIMEOUT_S)
    assert not runner.is_alive(), "the flowgraph did not end: the message-only source never finished"
    return [pmt.to_python(store.get_message(index)) for index in range(store.num_messages())]


def test_circular_pass_publishes_one_message_per_point() -> None:
    source = pass_control_source(SAMP_RATE, altitude_km=600.0, min_elevation_deg=10.0)
    track = source.trajectory
    expected = trajectory.Trajectory.from_pass(
        orbit.circular_pass(600e3, 2e9, 90.0, 10.0, 1.0), link_budget.DEFAULT_LINK_BUDGET
    )
    np.testing.assert_array_equal(track.doppler_hz, expected.doppler_hz)

    messages = published(source)
    assert len(messages) == len(track.time_s)
    assert [message["offset"] for message in messages[:3]] == [0, round(SAMP_RATE), round(2 * SAMP_RATE)]
    assert messages[-1]["offset"] == round(source.duration_s() * SAMP_RATE)
    assert source.duration_s() == pytest.approx(track.time_s[-1] - track.time_s[0])
    assert messages[0]["doppler"] == pytest.approx(track.doppler_hz[0])
    assert messages[-1]["doppler"] == pytest.approx(track.doppler_hz[-1])
    assert messages[0]["snr_db"] == pytest.approx(track.snr_db[0])
    assert messages[0]["doppler_rate"] == pytest.approx(track.doppler_rate_hz_s[0])


def test_time_scale_compresses_offsets_and_steepens_the_rate() -> None:
    source = pass_control_source(SAMP_RATE, time_scale=20.0)
    messages = published(source)
    track = source.trajectory
    assert len(messages) == len(track.time_s)
    assert messages[1]["offset"] == round(SAMP_RATE / 20.0)
    assert source.duration_s() == pytest.approx((track.time_s[-1] - track.time_s[0]) / 20.0)
    assert messages[5]["doppler"] == pytest.approx(track.doppler_hz[5])
    assert messages[5]["doppler_rate"] == pytest.approx(20.0 * track.doppler_rate_hz_s[5])


def test_trajectory_file_sign_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "pass.csv"
    trajectory.Trajectory.from_pass(orbit.circular_pass(800e3, 2e9, 45.0, 20.0, 2.0)).write(path)
    source = pass_control_source(SAMP_RATE, trajectory_file=str(path), sign=-1, fields=("doppler",))
    messages = published(source)
    assert len(messages) == len(source.trajectory.time_s)
    assert messages[1]["offset"] == round(2.0 * SAMP_RATE)
    assert set(messages[0]) == {"offset", "doppler"}
    assert messages[0]["doppler"] == pytest.approx(-source.trajectory.doppler_hz[0])


def test_without_link_budget_leaves_snr_out() -> None:
    messages = published(pass_control_source(SAMP_RATE, use_link_budget=False))
    assert set(messages[0]) == {"offset", "doppler", "doppler_rate"}


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"time_scale": 0.0}, "time_scale"),
        ({"fields": "doppler"}, "list of field names"),
        ({"fields": ("doppler", "gain")}, "unknown control field"),
        ({"sign": 2}, "sign"),
        ({"min_elevation_deg": 95.0}, "min_elevation_deg"),
    ],
)
def test_bad_parameters_are_explained(kwargs: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        pass_control_source(SAMP_RATE, **kwargs)


def test_bad_samp_rate_is_explained() -> None:
    with pytest.raises(ValueError, match="samp_rate"):
        pass_control_source(0.0)

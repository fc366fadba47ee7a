"""Parameter validation, malformed control messages, state tags, tag latency and propagation delay."""

import math
import time

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr, semsat
from gnuradio.semsat.control import control_message
from gnuradio.semsat.numpy_io import process
from scipy import signal

SAMP_RATE = 1e6


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(samp_rate=0.0), "samp_rate"),
        (dict(samp_rate=-1e6), "samp_rate"),
        (dict(model="NTN-TDL-E"), "unknown channel model"),
        (dict(delay_spread=-1e-9), "delay_spread"),
        (dict(carrier_freq=0.0), "carrier_freq"),
        (dict(ue_speed_kmh=-3.0), "ue_speed_kmh"),
        (dict(snr_db=math.inf), "snr_db"),
        (dict(n_sinusoids=2), "n_sinusoids"),
        (dict(interp_taps=3), "interp_taps"),
        (dict(propagation_delay=-1e-3), "propagation_delay"),
        (dict(model="custom"), "custom"),
        (dict(model="custom", custom_delays=[0.0, 1e-7], custom_powers_db=[0.0]), "equal length"),
        (dict(model="custom", custom_delays=[-1e-7], custom_powers_db=[0.0]), "delay"),
    ],
)
def test_impossible_parameters_raise_clear_errors(kwargs, message):
    args = dict(samp_rate=SAMP_RATE) | kwargs
    with pytest.raises(ValueError, match=message):
        semsat.ntn_tdl_channel_cc(**args)


def test_malformed_control_messages_are_counted_and_the_flowgraph_keeps_running():
    bad = [
        pmt.intern("doppler"),  # not a dict
        pmt.to_pmt({"dopler": 1.0}),  # unknown key
        pmt.to_pmt({"doppler": "fast"}),  # not a number
        pmt.dict_add(pmt.make_dict(), pmt.intern("snr_db"), pmt.from_double(math.nan)),
        pmt.to_pmt({"offset": -5, "doppler": 1.0}),  # negative offset
        pmt.make_dict(),  # changes nothing
    ]
    good = control_message(1000, doppler=250.0)
    channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", ue_speed_kmh=0.0, noise_enabled=False)
    y = process(channel, np.ones(5000, np.complex64), messages=[("ctrl", m) for m in [*bad, good]]).samples
    assert y.size == 5000
    assert channel.n_ctrl_rejected() == len(bad)
    assert channel.n_ctrl_accepted() == 1
    assert channel.doppler() == pytest.approx(250.0)


def test_late_control_update_applies_at_once_and_is_counted():
    channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", ue_speed_kmh=0.0, noise_enabled=False)
    top = gr.top_block()
    source = blocks.null_source(gr.sizeof_gr_complex)
    top.connect(source, blocks.head(gr.sizeof_gr_complex, 50_000_000), channel)
    top.connect(channel, blocks.null_sink(gr.sizeof_gr_complex))
    top.start()
    deadline = time.monotonic() + 10.0
    while channel.nitems_written(0) < 100_000 and time.monotonic() < deadline:
        time.sleep(0.001)
    # The block is past sample 100000: an update meant for sample 10 is late.
    channel.to_basic_block()._post(pmt.intern("ctrl"), control_message(10, doppler=5.0))
    top.wait()
    assert channel.n_ctrl_late() == 1
    assert channel.doppler() == pytest.approx(5.0)


def test_state_tags_report_the_true_channel():
    interval = 10_000
    channel = semsat.ntn_tdl_channel_cc(
        SAMP_RATE,
        "NTN-TDL-D",
        100e-9,
        snr_db=7.0,
        doppler=100.0,
        doppler_rate=-50.0,
        state_tag_interval=interval,
    )
    out = process(
        channel,
        np.zeros(100_000, np.complex64),
        messages=[("ctrl", control_message(55_000, snr_db=3.0))],
        collect_tags=True,
    )
    states = [(offset, value) for offset, key, value in out.tags if key == "channel_state"]
    assert sorted(offset for offset, _ in states) == sorted([*range(0, 100_000, interval), 55_000])
    for offset, state in states:
        assert state["doppler"] == pytest.approx(100.0 - 50.0 * offset / SAMP_RATE, abs=1e-6)
        assert state["snr_db"] == (7.0 if offset < 55_000 else 3.0)
        assert len(state["taps"]) == 3  # NTN-TDL-D: Rician first tap, two Rayleigh taps


def test_input_tags_move_by_the_latency():
    channel = semsat.ntn_tdl_channel_cc(SAMP_RATE, "LOS", propagation_delay=2e-3, noise_enabled=False)
    tag = gr.tag_t()
    tag.offset, tag.key, tag.value = 100, pmt.intern("burst"), pmt.PMT_T
    out = process(channel, np.zeros(10_000, np.complex64), input_tags=[tag], collect_tags=True)
    assert [(o, k) for o, k, _ in out.tags if k == "burst"] == [(100 + 2000 + 8, "burst")]


def test_propagation_delay_is_band_limited_and_exact():
    delay = 2.0014e-3  # 600 km zenith slant range / c: 2001.4 samples at 1 MHz
    channel = semsat.ntn_tdl_channel_cc(
        SAMP_RATE, "LOS", ue_speed_kmh=0.0, propagation_delay=delay, noise_enabled=False
    )
    assert channel.latency() == pytest.approx(8 + delay * SAMP_RATE)
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(1 << 18) + 1j * rng.standard_normal(1 << 18)).astype(np.complex64)
    y = process(channel, x).samples
    # Align the whole samples, then the phase slope of the cross-spectrum over the inner 80% of the
    # band is the remaining (fractional) group delay.
    whole = int(channel.latency())
    x, y = x[: x.size - whole], y[whole:]
    freqs, cross = signal.csd(x, y, fs=SAMP_RATE, nperseg=8192, return_onesided=False)
    inner = np.abs(freqs) < 0.4 * SAMP_RATE
    order = np.argsort(freqs[inner])
    phase = np.unwrap(np.angle(cross[inner][order]))
    slope = np.polyfit(freqs[inner][order], phase, 1)[0]
    measured = whole - slope / (2 * np.pi) * SAMP_RATE
    assert measured == pytest.approx(8 + delay * SAMP_RATE, abs=0.01)
    # Passband gain is flat: a unit-energy kernel that does not colour the signal.
    gain_db = 10 * np.log10(
        np.abs(cross[inner]) / signal.welch(x, SAMP_RATE, nperseg=8192, return_onesided=False)[1][inner]
    )
    assert np.max(np.abs(gain_db)) < 0.1

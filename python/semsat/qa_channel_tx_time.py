"""Timed bursts: a "tx_time" tag on a burst's first sample makes the channel blocks let the idle time before
it pass (fading, Doppler) without the idle samples being in the stream.

The independent truth is the same channel run over the real idle time: the burst sent after G zero samples
must come out exactly as the burst sent at once with a tx_time G samples later.
"""

import time

import numpy as np
import pmt
from gnuradio import blocks, gr, pdu, semsat
from gnuradio.semsat.numpy_io import process

SAMP_RATE = 1.0e6
BURST = 4000
IDLE = 400_000  # 0.4 s: at 3 km/h and 2 GHz (f_D 5.6 Hz) the fading is another realisation by then
SETTLE = 64  # the channel's filter memory holds the previous burst's tail for a few samples


def bursts(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    first, second = (
        ((rng.standard_normal(BURST) + 1j * rng.standard_normal(BURST)) / np.sqrt(2)).astype(np.complex64)
        for _ in range(2)
    )
    return first, second


def tx_time_tag(offset: int, seconds: float | tuple[int, float]) -> gr.tag_t:
    tag = gr.tag_t()
    tag.offset = offset
    tag.key = pmt.intern("tx_time")
    if isinstance(seconds, tuple):  # UHD's (full seconds, fractional seconds)
        tag.value = pmt.make_tuple(pmt.from_uint64(seconds[0]), pmt.from_double(seconds[1]))
    else:
        tag.value = pmt.from_double(seconds)
    return tag


def second_burst_out(make_block, idle: int, tx_time=None) -> np.ndarray:
    """The channel's output for the second burst, sent after ``idle`` zero samples, or at once with a
    tx_time tag on its first sample."""
    first, second = bursts(7)
    block = make_block()
    latency = int(round(block.latency())) if hasattr(block, "latency") else 0
    x = np.concatenate([first, np.zeros(idle, np.complex64), second])
    tags = [tx_time_tag(BURST, tx_time)] if tx_time is not None else []
    y = process(block, x, input_tags=tags).samples
    start = BURST + idle + latency
    return y[start + SETTLE : start + BURST]


def tdl():
    return semsat.ntn_tdl_channel_cc(
        SAMP_RATE, "NTN-TDL-A", 100e-9, 2e9, 3.0, 1500.0, -400.0, 0.0, 20.0, False, 11
    )


def chirp():
    # A pass's Doppler: 2 kHz falling at 500 Hz/s, a knot every 0.1 s.
    times = list(np.arange(0.0, 1.01, 0.1))
    return semsat.doppler_cc(SAMP_RATE, times, [2000.0 - 500.0 * t for t in times], 0.0, False)


def test_tdl_channel_lets_the_idle_time_pass():
    real_idle = second_burst_out(tdl, IDLE)
    timed = second_burst_out(tdl, 0, (BURST + IDLE) / SAMP_RATE)
    at_once = second_burst_out(tdl, 0)
    np.testing.assert_allclose(timed, real_idle, rtol=0, atol=2e-4 * np.max(np.abs(real_idle)))
    # Without the tag the burst meets the fade and the Doppler phase of 0.4 s earlier: far off.
    assert np.mean(np.abs(at_once - real_idle) ** 2) > 0.1 * np.mean(np.abs(real_idle) ** 2)


def test_doppler_trajectory_follows_air_time():
    real_idle = second_burst_out(chirp, IDLE)
    timed = second_burst_out(chirp, 0, (0, (BURST + IDLE) / SAMP_RATE))
    np.testing.assert_allclose(timed, real_idle, rtol=0, atol=2e-3)
    # Its frequency is the trajectory's 0.404 s in, not the 0.004 s it would be without the tag.
    rotation = timed / bursts(7)[1][SETTLE:]
    measured_hz = np.angle(np.mean(rotation[1:] * np.conj(rotation[:-1]))) * SAMP_RATE / (2 * np.pi)
    assert abs(measured_hz - (2000.0 - 500.0 * (BURST + IDLE + SETTLE + BURST / 2) / SAMP_RATE)) < 20.0


def test_a_late_tx_time_sends_the_burst_at_once():
    # tx_time 0 is in the past when the second burst comes: a radio sends a late burst at once.
    at_once = second_burst_out(tdl, 0)
    late = second_burst_out(tdl, 0, 0.0)
    np.testing.assert_allclose(late, at_once, rtol=0, atol=1e-4)  # chunking differs: float rounding


def test_a_malformed_tx_time_is_ignored():
    block = tdl()
    first, second = bursts(7)
    tag = tx_time_tag(BURST, 0.0)
    tag.value = pmt.intern("soon")
    y = process(block, np.concatenate([first, second]), input_tags=[tag]).samples
    assert np.all(np.isfinite(y)) and len(y) == 2 * BURST


def test_mapper_puts_the_packet_tx_time_on_its_frame():
    top = gr.top_block()
    symbols = np.exp(1j * np.pi / 4 * np.arange(300)).astype(np.complex64)
    message = pdu.pdu_to_tagged_stream(gr.types.complex_t, "packet_len")
    mapper = semsat.ofdm_mapper()
    sink = blocks.vector_sink_c()
    top.connect(message, mapper, sink)
    for seq, when in enumerate((0.25, None, 0.75)):
        meta = pmt.dict_add(pmt.make_dict(), pmt.intern("stream_id"), pmt.from_long(1))
        meta = pmt.dict_add(meta, pmt.intern("seq"), pmt.from_long(seq))
        if when is not None:
            meta = pmt.dict_add(meta, pmt.intern("tx_time"), pmt.from_double(when))
        message.to_basic_block()._post(pmt.intern("pdus"), pmt.cons(meta, pmt.init_c32vector(300, symbols)))
    top.start()
    deadline = time.monotonic() + 10
    while len(sink.data()) < 3 * mapper.frame_length(300) and time.monotonic() < deadline:
        time.sleep(0.01)
    top.stop()
    top.wait()
    frame = mapper.frame_length(300)
    tags = sink.tags()
    tx_times = [(t.offset, pmt.to_double(t.value)) for t in tags if pmt.symbol_to_string(t.key) == "tx_time"]
    assert tx_times == [(0, 0.25), (2 * frame, 0.75)]

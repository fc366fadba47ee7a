"""frame_sequencer and stream_end: the frame order on the air follows the semantics, not the threads, and a
stream without an end (ZMQ) ends at the chosen end-of-burst frame."""

import threading
import time

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr
from gnuradio.semsat.link.frame_sequencer import END_FRAMES, END_STREAM_ID, frame_sequencer
from gnuradio.semsat.link.stream_end import stream_end
from gnuradio.semsat.semantic.codec.streams import STREAM_IDS


class pdu_burst(gr.basic_block):  # noqa: N801
    """Posts its PDUs ``delay_s`` after start, then reports itself done (as semantics_source does)."""

    def __init__(self, pdus: list[pmt.pmt_base], delay_s: float) -> None:
        gr.basic_block.__init__(self, name="pdu_burst", in_sig=None, out_sig=None)
        self.pdus, self.delay_s = pdus, delay_s
        self.message_port_register_out(pmt.intern("out"))

    def start(self) -> bool:
        threading.Thread(target=self._publish, daemon=True).start()
        return True

    def _publish(self) -> None:
        time.sleep(self.delay_s)
        for pdu in self.pdus:
            self.message_port_pub(pmt.intern("out"), pdu)
        self._post(pmt.intern("system"), pmt.cons(pmt.intern("done"), pmt.from_long(1)))


def symbol_pdu(stream: str, seq: int, n: int, air_time_s: float | None = None) -> pmt.pmt_base:
    meta = pmt.dict_add(pmt.make_dict(), pmt.intern("stream_id"), pmt.from_long(STREAM_IDS[stream]))
    meta = pmt.dict_add(meta, pmt.intern("seq"), pmt.from_long(seq))
    if air_time_s is not None:
        meta = pmt.dict_add(meta, pmt.intern("air_time_s"), pmt.from_double(air_time_s))
    symbols = np.full(n, STREAM_IDS[stream] + 1j * seq, np.complex64)
    return pmt.cons(meta, pmt.init_c32vector(n, symbols))


def frames_on_air(sink: blocks.vector_sink_c) -> list[tuple[int, int, int]]:
    """(stream_id, seq, length) of each tagged packet, in stream order."""
    tags = {}
    for tag in sink.tags():
        tags.setdefault(tag.offset, {})[pmt.symbol_to_string(tag.key)] = pmt.to_python(tag.value)
    return [(t["stream_id"], t["seq"], t["packet_len"]) for _, t in sorted(tags.items())]


def run_sequencer(sources: list[pdu_burst]) -> blocks.vector_sink_c:
    top = gr.top_block()
    sequencer = frame_sequencer(["face", "text"], upstreams=len(sources))
    sink = blocks.vector_sink_c()
    for source in sources:
        top.msg_connect(source, "out", sequencer, "in")
    top.connect(sequencer, sink)
    top.run()  # returns: the sequencer ends its stream after the end-of-burst frames
    return sink


@pytest.mark.parametrize("text_delay_s, face_delay_s", [(0.0, 0.3), (0.3, 0.0)])
def test_order_follows_streams_and_seq_not_arrival(text_delay_s: float, face_delay_s: float) -> None:
    face = pdu_burst([symbol_pdu("face", s, 150) for s in (2, 0, 1)], face_delay_s)
    text = pdu_burst([symbol_pdu("text", 0, 40)], text_delay_s)
    sink = run_sequencer([face, text])
    expected = [(1, 0, 150), (1, 1, 150), (1, 2, 150), (2, 0, 40)]
    expected += [(END_STREAM_ID, i, 64) for i in range(END_FRAMES)]
    assert frames_on_air(sink) == expected
    data = np.asarray(sink.data())
    assert len(data) == 3 * 150 + 40 + END_FRAMES * 64
    assert np.all(data[150:300] == 1 + 1j) and np.all(data[450:490] == 2)


def test_bursts_leave_in_air_time_order_with_their_tx_time() -> None:
    # One window of each stream, time-interleaved over 4 bursts 250 ms apart (semantic_encoder's air_time_s).
    face = pdu_burst([symbol_pdu("face", b, 150, b / 4) for b in (3, 1, 0, 2)], 0.0)
    text = pdu_burst([symbol_pdu("text", b, 40, b / 4) for b in range(4)], 0.1)
    sink = run_sequencer([face, text])
    order = [(stream, seq) for stream, seq, _ in frames_on_air(sink)]
    assert order[:8] == [(s, b) for b in range(4) for s in (1, 2)]  # face then text in each slot
    tx_times = sorted(
        (t.offset, pmt.to_double(t.value)) for t in sink.tags() if pmt.symbol_to_string(t.key) == "tx_time"
    )
    assert [when for _, when in tx_times] == [b / 4 for b in range(4) for _ in (1, 2)]
    assert len(tx_times) == 8  # the end-of-burst frames follow at once: no tx_time


@pytest.mark.parametrize("end_frame", [1, 2, 3])
def test_stream_end_cuts_at_the_chosen_end_frame(end_frame: int) -> None:
    starts = [1000, 3000, 5000]
    tags = []
    for start in starts:
        tag = gr.tag_t()
        tag.offset, tag.key, tag.value = start, pmt.intern("stream_id"), pmt.from_long(END_STREAM_ID)
        tags.append(tag)
    top = gr.top_block()
    samples = np.arange(7000).astype(np.complex64)
    source = blocks.vector_source_c(samples, False, 1, tags)
    end = stream_end(end_frame)
    sink = blocks.vector_sink_c()
    top.connect(source, end, sink)
    top.run()
    np.testing.assert_array_equal(sink.data(), samples[: starts[end_frame - 1]])
    assert end.ended()


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="streams"):
        frame_sequencer(["video"], upstreams=1)
    with pytest.raises(ValueError, match="upstream"):
        frame_sequencer(["face"], upstreams=0)
    with pytest.raises(ValueError, match="end_frame"):
        stream_end(END_FRAMES + 1)

"""frames_to_pdu: the OFDM demapper's tagged outputs cut into symbol PDUs, and the semantic decoder fed by it
in a real flowgraph (ofdm_mapper -> AWGN -> ofdm_demapper -> frames_to_pdu -> semantic_decoder)."""

import numpy as np
import pmt
from gnuradio import blocks, gr, semsat
from gnuradio.semsat import ofdm_link as ol
from gnuradio.semsat.frames_to_pdu import frames_to_pdu
from gnuradio.semsat.semantic.codec import bursts
from gnuradio.semsat.semantic.codec import qa_codec as qc
from gnuradio.semsat.semantic.codec.metrics import face_nmse_db
from gnuradio.semsat.semantic.codec.streams import STREAM_IDS, text_to_ids
from gnuradio.semsat.semantic_decoder import semantic_decoder


def tag(offset: int, key: str, value: int) -> gr.tag_t:
    return gr.tag_utils.python_to_tag((offset, pmt.intern(key), pmt.from_long(value)))


def test_frames_become_pdus_with_their_header_and_variances():
    symbols = (np.arange(10) + 1j * np.arange(10)).astype(np.complex64)
    variances = np.linspace(0.1, 1.0, 10).astype(np.float32)
    tags = [tag(0, "rx_len", 4), tag(0, "stream_id", 1), tag(0, "seq", 7)]
    tags += [tag(4, "rx_len", 3), tag(4, "stream_id", 9)]  # cut short by the next frame at 6
    tags += [tag(6, "rx_len", 4), tag(6, "stream_id", 2), tag(6, "seq", 8)]
    top = gr.top_block()
    adapter = frames_to_pdu()
    sink = blocks.message_debug()
    top.connect(blocks.vector_source_c(symbols.tolist(), False, 1, tags), (adapter, 0))
    top.connect(blocks.vector_source_f(variances.tolist()), (adapter, 1))
    top.msg_connect(adapter, "pdus", sink, "store")
    top.run()
    pdus = [sink.get_message(i) for i in range(sink.num_messages())]
    assert len(pdus) == 2 and adapter.stats() == {"frames": 2, "truncated": 1}
    for pdu, (first, stream, seq) in zip(pdus, [(0, "face", 7), (6, "text", 8)], strict=True):
        meta = pmt.to_python(pmt.car(pdu))
        np.testing.assert_array_equal(pmt.c32vector_elements(pmt.cdr(pdu)), symbols[first : first + 4])
        np.testing.assert_allclose(meta["noise_var"], variances[first : first + 4])
        assert (meta["stream"], meta["seq"], meta["n_symbols"]) == (stream, seq, 4)


def test_semantic_decoder_reads_the_demapper_through_the_adapter():
    """Three face windows (4 bursts each, seq = 4 window + burst, as semantic_encoder sends them) and a text
    frame in one OFDM transmission at Es/N0 12 dB: the face decoder gathers and decodes its three windows as
    the codec would (NMSE near qa_codec_over_ofdm's) and drops the text frame."""
    truth = qc.held_out().face_params
    windows = [truth[i : i + qc.WINDOW] for i in range(0, len(truth), qc.WINDOW)]
    packets = [
        ol.Packet(0, STREAM_IDS["face"], w * bursts.DEFAULT_BURSTS + b, part)
        for w, window in enumerate(windows)
        for b, part in enumerate(bursts.split(qc.codec("face").encode(window), 6, bursts.DEFAULT_BURSTS))
    ]
    text = qc.codec("text").encode(text_to_ids(qc.held_out().text))
    packets.insert(1, ol.Packet(0, STREAM_IDS["text"], 0, text))
    rng = np.random.default_rng(5)
    x = np.concatenate([np.zeros(300, np.complex64), ol.transmit(packets), np.zeros(4096, np.complex64)])
    y = ol.add_awgn(x, 12.0, ol.DEFAULT, rng)

    top = gr.top_block()
    demapper = semsat.ofdm_demapper(*ol.DEFAULT.args())
    adapter = frames_to_pdu()
    decoder = semantic_decoder("face")
    sink = blocks.message_debug()
    top.connect(blocks.vector_source_c(y.tolist(), False), demapper)
    top.connect((demapper, 0), (adapter, 0))
    top.connect((demapper, 1), (adapter, 1))
    top.msg_connect(adapter, "pdus", decoder, "in")
    top.msg_connect(decoder, "out", sink, "store")
    top.run()

    assert sink.num_messages() == len(windows)
    got = [
        np.asarray(pmt.f32vector_elements(pmt.cdr(sink.get_message(i))), np.float32).reshape(-1, 12)
        for i in range(sink.num_messages())
    ]
    metas = [pmt.to_python(pmt.car(sink.get_message(i))) for i in range(sink.num_messages())]
    assert [m["seq"] for m in metas] == [0, 1, 2] and not any(m["concealed"] for m in metas)
    mean, std = qc.training_stats()
    nmse = face_nmse_db(np.concatenate(windows), np.concatenate(got), mean, std)
    print(f"face through demapper -> frames_to_pdu -> semantic_decoder at 12 dB: NMSE {nmse:.2f} dB")
    assert nmse <= -13.0
    assert decoder.stats()["wrong_stream"] == 1 and adapter.stats()["frames"] == len(packets)

"""digital_encoder -> AWGN stand-in for OFDM + channel -> digital_decoder, in GNU Radio flowgraphs."""

import math
import time

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr
from gnuradio.semsat.digital_decoder import digital_decoder
from gnuradio.semsat.digital_encoder import digital_encoder, digital_pdu_encoder
from gnuradio.semsat.phy import packet_bursts
from gnuradio.semsat.phy.digital_codec import DigitalCodec
from gnuradio.semsat.phy.qam import FrameType, theoretical_ber


class awgn_symbol_channel(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Stands in for OFDM mapper + channel + demapper: adds complex AWGN of variance n0 per symbol, emits n0
    as the noise-variance stream, and re-tags each packet for the receive side (packet_len -> rx_len, the
    other tags copied, snr_db added)."""

    def __init__(self, n0: float, seed: int = 0, lost: frozenset[tuple[int, int]] = frozenset()) -> None:
        """`lost`: (stream_id, seq) of frames the receiver misses (their symbols pass, untagged)."""
        gr.sync_block.__init__(self, "awgn_symbol_channel", [np.complex64], [np.complex64, np.float32])
        self.set_tag_propagation_policy(gr.TPP_DONT)
        self.n0 = n0
        self.rng = np.random.default_rng(seed)
        self.lost = lost

    def work(self, input_items, output_items):
        x = input_items[0]
        noise = self.rng.standard_normal((len(x), 2)) @ np.array([1, 1j]) * math.sqrt(self.n0 / 2)
        output_items[0][:] = x + noise
        output_items[1][:] = self.n0
        tags = self.get_tags_in_window(0, 0, len(x))
        header = {(t.offset, pmt.symbol_to_string(t.key)): pmt.to_python(t.value) for t in tags}
        for tag in tags:
            key = pmt.symbol_to_string(tag.key)
            if (header.get((tag.offset, "stream_id")), header.get((tag.offset, "seq"))) in self.lost:
                continue
            if key == "packet_len":
                self.add_item_tag(0, tag.offset, pmt.intern("rx_len"), tag.value)
                self.add_item_tag(
                    0, tag.offset, pmt.intern("snr_db"), pmt.from_double(-10 * math.log10(self.n0))
                )
            else:
                self.add_item_tag(0, tag.offset, tag.key, tag.value)
        return len(x)


def pdu(payload: bytes, **meta) -> pmt.pmt_base:
    d = pmt.make_dict()
    for key, value in meta.items():
        d = pmt.dict_add(d, pmt.intern(key), pmt.to_pmt(value))
    return pmt.cons(d, pmt.init_u8vector(len(payload), list(payload)))


def run_link(messages, n0, timeout_s=60.0, encoder_args=None, decoder_args=None, seed=0, lost=frozenset()):
    """Sends the PDUs (with bursts: released at once), waits until the decoder has seen every encoded
    packet; returns (decoded, decoder, encoder)."""
    top = gr.top_block()
    encoder = digital_encoder(**(encoder_args or {}))
    channel = awgn_symbol_channel(n0, seed, lost)
    decoder = digital_decoder(**(decoder_args or {}))
    sink = blocks.message_debug()
    top.connect(encoder, channel)
    top.connect((channel, 0), (decoder, 0))
    top.connect((channel, 1), (decoder, 1))
    top.msg_connect(decoder, "out", sink, "store")
    top.start()
    for message in messages:
        encoder.pdu_encoder._post(pmt.intern("in"), message)
    deadline = time.monotonic() + timeout_s
    n_bursts = encoder.pdu_encoder.n_bursts
    if n_bursts > 1:
        while encoder.encoded() + encoder.dropped() < len(messages) or (
            encoder.scheduler.held() < encoder.encoded() * n_bursts
        ):
            time.sleep(0.01)
        encoder.scheduler._post(pmt.intern("release"), pmt.from_double(0.0))
    while time.monotonic() < deadline:
        if (
            encoder.encoded() + encoder.dropped() == len(messages)
            and decoder.stats()["frames"] == encoder.encoded()
        ):
            break
        time.sleep(0.01)
    top.stop()
    top.wait()
    decoded = []
    for i in range(sink.num_messages()):
        msg = sink.get_message(i)
        decoded.append((bytes(pmt.u8vector_elements(pmt.cdr(msg))), pmt.to_python(pmt.car(msg))))
    return decoded, decoder, encoder


def n0_for_ebn0(ebn0_db, payload_bytes, symbols):
    """Noise variance of unit-power symbols for an Eb/N0 per payload bit (CRC, length and parity are cost)."""
    return symbols / (8 * payload_bytes * 10 ** (ebn0_db / 10))


@pytest.mark.parametrize("modulation", ["qpsk", "16qam", "64qam"])
def test_high_snr_bytes_exact_with_meta(modulation):
    rng = np.random.default_rng(1)
    payloads = [rng.bytes(int(size)) for size in rng.integers(1, 300, 20)]
    messages = [pdu(p, stream_id=7, seq=100 + i) for i, p in enumerate(payloads)]
    decoded, decoder, _ = run_link(messages, n0=1e-3, encoder_args={"modulation": modulation})
    assert [d[0] for d in decoded] == payloads
    for i, (_, meta) in enumerate(decoded):
        assert meta["stream_id"] == 7 and meta["seq"] == 100 + i
        assert meta["frame_type"] == {"qpsk": 1, "16qam": 2, "64qam": 3}[modulation]
        assert meta["snr_db"] == pytest.approx(30.0)
    assert decoder.frames_dropped() == 0


def test_thousand_random_packets_adaptive_modulation_exact():
    """1000 packets of 1..200 bytes, each with its own modulation (meta frame_type), at Es/N0 25 dB."""
    rng = np.random.default_rng(2)
    payloads = [rng.bytes(int(size)) for size in rng.integers(1, 201, 1000)]
    types = rng.integers(1, 4, 1000)
    messages = [
        pdu(p, frame_type=int(t), stream_id=i % 256, seq=i)
        for i, (p, t) in enumerate(zip(payloads, types, strict=True))
    ]
    decoded, decoder, _ = run_link(messages, n0=10**-2.5, timeout_s=120)
    assert len(decoded) == 1000
    assert all(d[0] == p for d, p in zip(decoded, payloads, strict=True))
    assert [d[1]["frame_type"] for d in decoded] == types.tolist()
    assert [d[1]["seq"] for d in decoded] == list(range(1000))
    assert decoder.stats()["decoded"] == 1000


def test_ldpc_coding_gain_qpsk():
    """LDPC-coded QPSK: FER <= 1% at Eb/N0 3.0 dB, where uncoded QPSK has BER 2.3e-2.

    Expected: the (1800, 902) code has rate 1/2, whose BI-AWGN capacity limit is Eb/N0 0.19 dB; at n = 1800
    and FER 1e-2 the normal approximation needs 0.73 dB, and a regular column-weight-3 code under 50 BP
    iterations loses 1-1.5 dB to it, so FER 1e-2 falls near 2-2.3 dB (measured about 2.2 dB, with the
    length/CRC overhead counted against Eb). 3.0 dB keeps a margin of 0.7 dB. The same 848 payload bits
    sent uncoded would fail with probability 1 - (1 - 2.3e-2)^848 > 0.99, and need about 9.5 dB for
    FER 1e-2: a coding gain above 6 dB.
    The run at 0 dB, below the capacity limit, must fail almost always: the test can fail both ways.
    """
    size, frames = 106, 300  # 848 + 48 bits fill 896 of the 902 information bits of one codeword
    symbols = DigitalCodec().layout(size, FrameType.QPSK).symbols
    rng = np.random.default_rng(3)
    payloads = [rng.bytes(size) for _ in range(frames)]
    decoded, decoder, _ = run_link([pdu(p) for p in payloads], n0_for_ebn0(3.0, size, symbols), seed=3)
    fer = 1 - sum(d[0] == p for d, p in zip(decoded, payloads, strict=False)) / frames
    assert decoder.stats()["frames"] == frames
    assert fer <= 0.01
    uncoded_fer = 1 - (1 - theoretical_ber(FrameType.QPSK, 3.0)) ** (8 * size)
    assert uncoded_fer > 0.99

    decoded, decoder, _ = run_link([pdu(p) for p in payloads[:40]], n0_for_ebn0(0.0, size, symbols), seed=4)
    assert len(decoded) <= 4
    assert decoder.stats()["crc"] >= 36


def test_crc_never_passes_corrupted_data_at_very_low_snr():
    """Es/N0 -10 dB (Eb/N0 below -1.6 dB for every packet): decoding fails, and nothing wrong gets out."""
    rng = np.random.default_rng(5)
    payloads = [rng.bytes(int(size)) for size in rng.integers(1, 120, 300)]
    messages = [pdu(p, frame_type=int(rng.integers(1, 4)), seq=i) for i, p in enumerate(payloads)]
    decoded, decoder, _ = run_link(messages, n0=10.0, decoder_args={"max_iterations": 10}, seed=5)
    assert all(payload == payloads[meta["seq"]] for payload, meta in decoded)
    stats = decoder.stats()
    assert stats["frames"] == 300 and stats["crc"] + stats["decoded"] == 300
    assert stats["decoded"] <= 3


def tag(offset, key, value):
    return gr.tag_utils.python_to_tag((offset, pmt.intern(key), pmt.to_pmt(value)))


def test_bad_input_is_dropped_and_counted():
    codec = DigitalCodec()
    good = codec.encode(b"first", FrameType.QPSK)
    stream, noise_var, tags = [], [], []

    def frame(symbols, variance=0.01, **frame_tags):
        offset = len(stream)
        stream.extend(symbols)
        noise_var.extend(np.broadcast_to(variance, len(symbols)))
        tags.extend(tag(offset, key, value) for key, value in frame_tags.items())

    frame(good, rx_len=len(good), frame_type=1, seq=1)
    frame(np.where(np.arange(len(good)) == 9, np.nan, good), rx_len=len(good))  # NaN symbol
    frame(good, variance=np.nan, rx_len=len(good))  # NaN noise variance
    frame([], rx_len=0)  # zero length
    frame(good[:3])  # symbols outside any frame (and the next frame's tag off the zero-length one's offset)
    frame(good[:5], rx_len=5)  # a length no packet has
    frame(good, rx_len=10**9)  # absurd length
    frame(good, rx_len="many")  # not a number
    frame(good[:100], rx_len=len(good))  # cut short by the next frame
    frame(good, rx_len=len(good), frame_type=0)  # analog: for the semantic decoder
    frame(good, rx_len=len(good), frame_type=9)  # unknown type
    frame(good[::-1], rx_len=len(good))  # right length, wrong content
    last = codec.encode(b"last one", FrameType.QAM16)
    frame(last, rx_len=len(last), frame_type=2, seq=2)

    top = gr.top_block()
    decoder = digital_decoder()
    sink = blocks.message_debug()
    top.connect(
        blocks.vector_source_c(np.asarray(stream, np.complex64).tolist(), False, 1, tags), (decoder, 0)
    )
    top.connect(blocks.vector_source_f(np.asarray(noise_var, np.float32).tolist()), (decoder, 1))
    top.msg_connect(decoder, "out", sink, "store")
    top.run()
    out = [bytes(pmt.u8vector_elements(pmt.cdr(sink.get_message(i)))) for i in range(sink.num_messages())]
    assert out == [b"first", b"last one"]
    assert decoder.stats() == {
        "frames": 12,
        "decoded": 2,
        "crc": 1,
        "bad_length": 4,
        "bad_symbols": 2,
        "truncated": 1,
        "bad_frame_type": 1,
        "not_digital": 1,
    }
    assert decoder.frames_dropped() == 9


def test_encoder_drops_malformed_pdus_and_tags_its_packets():
    top = gr.top_block()
    encoder = digital_encoder(modulation="16qam", stream_id=4, max_payload_bytes=50)
    sink = blocks.vector_sink_c()
    top.connect(encoder, sink)
    good = [pdu(b"a" * 10), pdu(b"b" * 50, seq=9), pdu(b"c", frame_type="64qam")]
    bad = [
        pmt.cons(pmt.make_dict(), pmt.init_f32vector(2, [1.0, 2.0])),
        pmt.cons(pmt.make_dict(), pmt.init_u8vector(0, [])),
        pdu(b"x" * 51),
        pdu(b"x", stream_id=300),
        pdu(b"x", frame_type=0),
        pmt.intern("not a pdu"),
    ]
    top.start()
    for message in [good[0], *bad, *good[1:]]:
        encoder.pdu_encoder._post(pmt.intern("in"), message)
    expected = encoder.symbols_for(10) + encoder.symbols_for(50) + encoder.symbols_for(1, "64qam")
    deadline = time.monotonic() + 10
    while len(sink.data()) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    top.stop()
    top.wait()
    assert encoder.encoded() == 3 and encoder.dropped() == len(bad)
    assert len(sink.data()) == expected
    starts = {}
    for t in sink.tags():
        starts.setdefault(t.offset, {})[pmt.symbol_to_string(t.key)] = pmt.to_python(t.value)
    assert list(starts.values()) == [
        {"packet_len": encoder.symbols_for(10), "frame_type": 2, "stream_id": 4, "seq": 0},
        {"packet_len": encoder.symbols_for(50), "frame_type": 2, "stream_id": 4, "seq": 9},
        {"packet_len": encoder.symbols_for(1, "64qam"), "frame_type": 3, "stream_id": 4, "seq": 10},
    ]


def test_bursts_decode_without_a_lost_one_and_never_wrong():
    """Each packet time-interleaved over 4 bursts (symbol j in burst j mod 4), released in air order. A
    packet that misses any one burst (a quarter of its symbols erased: code rate at most 1/2 / (3/4) = 2/3)
    decodes at Es/N0 10 dB, far above the rate-2/3 limit; a one-codeword packet (106 bytes, rate 0.50)
    missing two bursts has no redundancy left (rate ~1), so its CRC fails: nothing wrong comes out."""
    n = 4
    rng = np.random.default_rng(6)
    payloads = [rng.bytes(int(size)) for size in rng.integers(20, 111, 8)] + [
        rng.bytes(106) for _ in range(3)
    ]
    payloads.append(rng.bytes(50))  # nothing lost: its last burst, last on the air, closes the others
    codec = DigitalCodec()
    lost = set()
    for i, payload in enumerate(payloads[:-1]):
        n_symbols = codec.layout(len(payload), FrameType.QPSK).symbols
        for burst in [i % n] if i < 8 else [0, 2]:
            lost.add((5, packet_bursts.burst_seq(100 + i, n_symbols, burst, n)))
    messages = [pdu(p, stream_id=5, seq=100 + i) for i, p in enumerate(payloads)]
    decoded, decoder, encoder = run_link(
        messages, 0.1, encoder_args={"n_bursts": n}, decoder_args={"n_bursts": n}, lost=frozenset(lost)
    )
    by_seq = {meta["seq"]: (data, meta) for data, meta in decoded}
    assert all(payloads[seq - 100] == data and meta["stream_id"] == 5 for seq, (data, meta) in by_seq.items())
    assert sorted(by_seq) == [*range(100, 108), 111]
    assert [by_seq[100 + i][1]["bursts"] for i in range(8)] == [3] * 8
    stats = decoder.stats()
    assert stats["frames"] == 12 and stats["decoded"] == 9 and stats["crc"] == 3
    assert stats["bursts"] == 12 * n - len(lost) and stats["lost_bursts"] == len(lost)
    assert encoder.dropped() == 0


def test_burst_seq_range_is_checked():
    """With 4 bursts the 16-bit header seq holds packet numbers 0..4095 only: 4096 is refused and counted."""
    decoded, _, encoder = run_link(
        [pdu(b"x" * 30, seq=4096), pdu(b"y" * 30, seq=4095)],
        1e-3,
        encoder_args={"n_bursts": 4},
        decoder_args={"n_bursts": 4},
    )
    assert encoder.dropped() == 1 and [(d, m["seq"]) for d, m in decoded] == [(b"y" * 30, 4095)]


def test_burst_pdus_carry_their_place_and_air_time():
    """digital_pdu_encoder with 3 bursts: the PDUs hold symbols j = b, b + 3, ... of the packet (the same
    codec's one-frame symbols), seq (packet * 3 + N mod 3) * 3 + b, and air times from the input's."""
    top = gr.top_block()
    encoder = digital_pdu_encoder(n_bursts=3, burst_spacing_s=0.3)
    sink = blocks.message_debug()
    top.msg_connect(encoder, "out", sink, "store")
    top.start()
    encoder._post(pmt.intern("in"), pdu(b"z" * 40, stream_id=9, seq=17, air_time_s=2.0))
    deadline = time.monotonic() + 10
    while sink.num_messages() < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    top.stop()
    top.wait()
    whole = DigitalCodec().encode(b"z" * 40, FrameType.QPSK)
    assert sink.num_messages() == 3
    for b in range(3):
        msg = sink.get_message(b)
        meta = pmt.to_python(pmt.car(msg))
        np.testing.assert_array_equal(pmt.c32vector_elements(pmt.cdr(msg)), whole[b::3])
        assert meta["seq"] == (17 * 3 + len(whole) % 3) * 3 + b
        assert (meta["stream_id"], meta["burst"], meta["n_bursts"]) == (9, b, 3)
        assert meta["air_time_s"] == pytest.approx(2.0 + 0.3 * b)

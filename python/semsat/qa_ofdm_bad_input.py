"""OFDM receiver and transmitter on bad input: every bad frame dropped and counted, no crash, no
garbage out, and the next good frame decodes."""

from functools import cache

import numpy as np
import pmt
from gnuradio import analog, blocks, gr, semsat
from gnuradio.semsat import ofdm_link as ol

NUM = ol.Numerology()
ESN0_DB = 30.0


@cache
def frames(n: int, seed: int) -> tuple[list[ol.Packet], list[np.ndarray], semsat.ofdm_mapper]:
    rng = np.random.default_rng(seed)
    packets = [ol.random_packet(rng, 1 + i % 3, int(rng.integers(100, 500)), 3, i) for i in range(n)]
    mapper = semsat.ofdm_mapper(*NUM.args())
    tx = ol.transmit(packets, NUM, mapper=mapper)
    return packets, ol.split_frames(tx, packets, mapper.frame_length), mapper


def assert_exact(f: ol.Frame, p: ol.Packet) -> None:
    assert (f.frame_type, f.stream_id, f.seq) == (p.frame_type, p.stream_id, p.seq)
    np.testing.assert_array_equal(ol.qam_demodulate(f.symbols, p.frame_type), p.bits)


def assert_good_frames_only(rx: ol.Reception, packets: list[ol.Packet], lost: set[int]) -> None:
    expected = [p for i, p in enumerate(packets) if i not in lost]
    assert [f.seq for f in rx.frames] == [p.seq for p in expected]
    for f, p in zip(rx.frames, expected, strict=True):
        assert_exact(f, p)
    c = rx.counters
    assert c["detected"] == c["decoded"] + c["dropped"]
    # The stats port publishes after every frame attempt (non-finite runs and rejected triggers between
    # frames only show in the counters).
    assert {k: v for k, v in rx.stats.items() if k not in ("nonfinite", "rejected")} == {
        k: v for k, v in c.items() if k not in ("nonfinite", "rejected")
    }


def test_corrupted_headers_are_dropped_and_counted():
    packets, fr, mapper = frames(20, 1)
    rng = np.random.default_rng(5)
    sym = mapper.symbol_length()
    bins = np.array(mapper.data_carriers()) % NUM.fft_len
    corrupted = set(range(0, 20, 3))
    out = []
    for i, f in enumerate(fr):
        f = f.copy()
        if i in corrupted:
            # Flip the BPSK sign of half the data carriers of every header symbol.
            for s in range(2, 2 + mapper.header_symbols()):
                block = f[s * sym : (s + 1) * sym]
                spec = np.fft.fft(block[NUM.cp_len :])
                flip = rng.choice(bins, len(bins) // 2, replace=False)
                spec[flip] = -spec[flip]
                useful = np.fft.ifft(spec).astype(np.complex64)
                f[s * sym : (s + 1) * sym] = np.concatenate([useful[-NUM.cp_len :], useful])
        out.append(f)
    x = ol.add_awgn(ol.with_gaps(out, rng, 500), ESN0_DB, NUM, rng)
    rx = ol.receive(x, NUM)
    assert_good_frames_only(rx, packets, corrupted)
    assert rx.counters["dropped"] == len(corrupted)
    assert rx.counters["headers"] == 20 - len(corrupted)


def test_truncated_bursts_are_dropped_and_the_next_frame_decodes():
    packets, fr, mapper = frames(16, 2)
    rng = np.random.default_rng(6)
    sym = mapper.symbol_length()
    # Cut points in samples from the frame start: inside the CES, the header, early and late payload.
    cuts = {1: int(1.5 * sym), 4: int(3.3 * sym), 7: 6 * sym + 40, 10: -sym - 30, 13: -2 * sym}
    parts = []
    for i, f in enumerate(fr):
        if i in cuts:
            body = f[: len(f) - mapper.guard()]
            f = body[: cuts[i]] if cuts[i] > 0 else body[: len(body) + cuts[i]]
        parts.append(f)
    # No gap at all after one cut burst: the next preamble follows the cut directly.
    x = np.concatenate(
        [parts[0]]
        + [
            np.concatenate([np.zeros(0 if i == 11 else int(rng.integers(0, 600)), np.complex64), p])
            for i, p in enumerate(parts[1:], start=1)
        ]
        + [np.zeros(4096, np.complex64)]
    )
    rx = ol.receive(ol.add_awgn(x, ESN0_DB, NUM, rng), NUM)
    assert_good_frames_only(rx, packets, set(cuts))
    # Bursts cut after their header were detected: they must be counted as dropped.
    assert rx.counters["dropped"] >= 3
    assert rx.counters["decoded"] == 16 - len(cuts)


def test_non_finite_samples_drop_the_frames_they_touch():
    packets, fr, mapper = frames(16, 3)
    rng = np.random.default_rng(7)
    sym = mapper.symbol_length()
    fr = [f.copy() for f in fr]
    fr[3][(2 + mapper.header_symbols()) * sym + NUM.cp_len + 50] = np.nan  # first payload symbol
    fr[6][NUM.cp_len + 40] = np.inf  # preamble: the frame cannot even be detected
    fr[9][(2 + mapper.header_symbols()) * sym + 3] = complex(np.nan, np.inf)  # a payload symbol's CP
    fr[12][sym + NUM.cp_len + 10] = -np.inf  # CES
    x = ol.with_gaps(fr, rng, 600)
    x = ol.add_awgn(x, ESN0_DB, NUM, rng)
    gap = len(x) - 2000
    x[gap : gap + 100] = np.nan  # a run of NaN between frames
    rx = ol.receive(x, NUM)
    assert_good_frames_only(rx, packets, {3, 6, 9, 12})
    assert rx.counters["dropped"] >= 3  # 3, 9 and 12 were detected
    assert rx.counters["nonfinite"] == 5
    for f in rx.frames:
        assert np.all(np.isfinite(f.symbols)) and np.all(np.isfinite(f.noise_var))


def test_noise_alone_is_never_a_frame():
    top = gr.top_block()
    src = analog.noise_source_c(analog.GR_GAUSSIAN, 1.0, 11)
    head = blocks.head(gr.sizeof_gr_complex, 3_000_000)
    demapper = semsat.ofdm_demapper(*NUM.args())
    syms, var = blocks.vector_sink_c(), blocks.vector_sink_f()
    top.connect(src, head, demapper)
    top.connect((demapper, 0), syms)
    top.connect((demapper, 1), var)
    top.run()
    assert demapper.n_detected() == 0 and len(syms.data()) == 0


def test_zero_length_and_bad_packets_into_the_mapper_are_dropped():
    rng = np.random.default_rng(8)
    good = [ol.random_packet(rng, 1, n, 4, seq) for n, seq in ((5, 100), (7, 101), (6, 103))]
    bad = ol.random_packet(rng, 1, 4, 4, 102)
    bad.frame_type = 9  # out of range
    packets = [good[0], good[1], bad, good[2]]
    tags = ol.packet_tags(packets)
    # Zero-length packets: one before the first packet and one between the first two (same offsets).
    for offset in (0, 5):
        tags.append(gr.tag_utils.python_to_tag((offset, pmt.intern("packet_len"), pmt.from_long(0))))
    mapper = semsat.ofdm_mapper(*NUM.args())
    data = np.concatenate([p.symbols for p in packets])
    top = gr.top_block()
    src = blocks.vector_source_c(data.tolist(), False, 1, tags)
    sink = blocks.vector_sink_c()
    top.connect(src, mapper, sink)
    top.run()
    tx = np.array(sink.data(), dtype=np.complex64)
    assert mapper.n_dropped() == 3 and mapper.n_frames() == 3
    assert len(tx) == sum(mapper.frame_length(len(p.symbols)) for p in good)
    rx = ol.receive(np.concatenate([tx, np.zeros(4096, np.complex64)]), NUM)
    assert [f.seq for f in rx.frames] == [100, 101, 103]
    for f, p in zip(rx.frames, good, strict=True):
        assert_exact(f, p)

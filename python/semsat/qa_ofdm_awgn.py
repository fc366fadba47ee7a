"""OFDM link in AWGN and with residual CFO, with the real synchroniser, against closed-form theory.

SNR is Es/N0 per data subcarrier (unit-power data symbols): the mapper spreads unit sample power
over ``occupied`` of ``fft_len`` carriers, so the channel's noise voltage is
sqrt(fft_len / (occupied * Es/N0)). Pilots, preamble, CES, header and cyclic prefix are overhead and
are not counted in Es. Theory (Gray mapping, coherent detection, perfect CSI):
QPSK BER = Q(sqrt(Es/N0)) (= Q(sqrt(2 Eb/N0))), 16QAM BER = (3 Q(x) + 2 Q(3x) - Q(5x)) / 4 with
x = sqrt(Es / (5 N0)).
"""

from functools import cache

import numpy as np
import pytest
from gnuradio import blocks, channels, gr, semsat
from gnuradio.semsat import ofdm_link as ol
from scipy import optimize, special

NUM = ol.Numerology()
TARGET_BER = 1e-3


def q(x: np.ndarray | float) -> np.ndarray | float:
    return 0.5 * special.erfc(np.asarray(x) / np.sqrt(2))


def theory_ber(frame_type: int, esn0_db: float) -> float:
    es = 10 ** (esn0_db / 10)
    if frame_type == 1:
        return float(q(np.sqrt(es)))
    x = np.sqrt(es / 5)
    return float((3 * q(x) + 2 * q(3 * x) - q(5 * x)) / 4)


def esn0_for(frame_type: int, ber: float) -> float:
    return optimize.brentq(lambda s: theory_ber(frame_type, s) - ber, -5.0, 40.0)


def run_link(
    packets: list[ol.Packet], esn0_db: float, cfo: float, seed: int, max_gap: int
) -> tuple[ol.Reception, list[ol.Packet]]:
    """Mapper -> random gaps -> channels.channel_model (AWGN, CFO) -> demapper."""
    rng = np.random.default_rng(seed)
    mapper = semsat.ofdm_mapper(*NUM.args())
    tx = ol.transmit(packets, NUM, mapper=mapper)
    x = ol.with_gaps(ol.split_frames(tx, packets, mapper.frame_length), rng, max_gap)
    noise_voltage = np.sqrt(NUM.fft_len / (NUM.occupied * 10 ** (esn0_db / 10)))
    top = gr.top_block()
    src = blocks.vector_source_c(x.tolist(), False)
    channel = channels.channel_model(noise_voltage, cfo / NUM.fft_len, 1.0, [1.0 + 0j], seed)
    demapper = semsat.ofdm_demapper(*NUM.args())
    syms, var, stats = blocks.vector_sink_c(), blocks.vector_sink_f(), blocks.message_debug()
    top.connect(src, channel, demapper)
    top.connect((demapper, 0), syms)
    top.connect((demapper, 1), var)
    top.msg_connect(demapper, "stats", stats, "store")
    top.run()
    return ol.collect(demapper, syms, var, stats), packets


@cache
def ber_run(frame_type: int) -> tuple[float, float, ol.Reception, list[ol.Packet]]:
    esn0 = esn0_for(frame_type, TARGET_BER)
    rng = np.random.default_rng(10 + frame_type)
    n_frames = 100 if frame_type == 1 else 50
    packets = [ol.random_packet(rng, frame_type, 2000, 1, i) for i in range(n_frames)]
    rx, _ = run_link(packets, esn0, 0.0, seed=frame_type, max_gap=2000)
    return esn0, 0.0, rx, packets


@pytest.mark.parametrize("frame_type", [1, 2], ids=["QPSK", "16QAM"])
def test_uncoded_ber_within_half_a_db_of_theory(frame_type: int):
    esn0, _, rx, packets = ber_run(frame_type)
    assert len(rx.frames) == len(packets), rx.counters
    errors = bits = 0
    for p, f in zip(packets, rx.frames, strict=True):
        assert (f.seq, len(f.symbols)) == (p.seq, len(p.symbols))
        b = ol.qam_demodulate(f.symbols, frame_type)
        errors += int(np.sum(b != p.bits))
        bits += len(b)
    ber = errors / bits
    # The Es/N0 at which theory gives the measured BER: the receiver's loss is the difference.
    effective = optimize.brentq(lambda s: theory_ber(frame_type, s) - ber, -5.0, 40.0)
    loss_db = esn0 - effective
    assert errors > 100  # enough errors for a meaningful BER (about 400 expected)
    assert -0.25 < loss_db < 0.5, f"BER {ber:.2e} at Es/N0 {esn0:.2f} dB: loss {loss_db:.2f} dB"


@pytest.mark.parametrize("frame_type", [1, 2], ids=["QPSK", "16QAM"])
def test_csi_and_snr_estimates_match_the_noise(frame_type: int):
    esn0, _, rx, _ = ber_run(frame_type)
    noise_var = 10 ** (-esn0 / 10)
    # Post-equalisation noise variance of a flat unit channel: N0/Es (plus a small estimation term).
    measured = np.mean([np.mean(f.noise_var) for f in rx.frames])
    assert measured == pytest.approx(noise_var, rel=0.1)
    assert np.mean([f.snr_db for f in rx.frames]) == pytest.approx(esn0, abs=0.5)
    # The variance output is the actual error variance of the equalised symbols.
    _, _, _, packets = ber_run(frame_type)
    err = np.mean(
        [np.mean(np.abs(f.symbols - p.symbols) ** 2) for f, p in zip(rx.frames, packets, strict=True)]
    )
    assert err == pytest.approx(noise_var, rel=0.15)


@pytest.mark.parametrize("cfo", [-2.3, -1.7, 1.7, 2.3])
def test_residual_cfo_of_several_subcarriers(cfo: float):
    """Every frame, its CFO estimate and all its bits. Es/N0 30 dB: at 25 dB Gray 64QAM has a symbol error
    rate of 1.8e-4 even with perfect CSI, about one expected error over these frames (the EVM measured
    here is -24.9 dB at 25 dB, on theory), so bit-exactness needs more margin."""
    rng = np.random.default_rng(int(100 * abs(cfo)) + (cfo > 0))
    packets = [ol.random_packet(rng, 1 + i % 3, int(rng.integers(50, 600)), 2, i) for i in range(40)]
    rx, _ = run_link(packets, 30.0, cfo, seed=7, max_gap=3000)
    assert [(f.seq, len(f.symbols)) for f in rx.frames] == [(p.seq, len(p.symbols)) for p in packets]
    assert rx.counters["dropped"] == 0
    for f, p in zip(rx.frames, packets, strict=True):
        assert f.cfo == pytest.approx(cfo, abs=0.02)
        np.testing.assert_array_equal(ol.qam_demodulate(f.symbols, p.frame_type), p.bits)

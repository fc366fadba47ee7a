"""OFDM link through this module's NTN-TDL-A channel: header detection at Es/N0 = 8 dB.

Channel: semsat.ntn_tdl_channel_cc, NTN-TDL-A, DS 100 ns, UE 3 km/h at 2 GHz (f_D = 5.6 Hz, so a
realisation hardly changes over a few frames), residual CFO of +-1.7 subcarriers, random gaps.
Every seed is an independent fading realisation carrying a few frames, so the detection rate
averages over fades instead of sampling one. Es/N0 is per data subcarrier (qa_ofdm_awgn.py); the
channel's snr_db is per sample, lower by 10 log10(fft_len / occupied).

Numerology: 30 kHz subcarrier spacing. The 99 % target holds for the default numerology (FFT 256,
CP 32, 212 carriers: 7.68 MHz sampling, 6.36 MHz occupied), where the 100-285 ns paths give enough
frequency diversity: asserted over 1000 realisations x 2 frames (99.45 % measured). The former default,
FFT 128 at 3.84 MHz, cannot meet it: frames in fades deeper than about 10 dB cannot be detected or
decoded at 8 dB (per-carrier SNR below about -2.5 dB): 98.8 % over 500 frames, 97.7 % over 2000
(98.75 % at 10 dB, 99.5 % at 12 dB); it is kept at 97 % as a regression guard (docs/phy.md).
"""

from functools import cache

import numpy as np
import pytest
from gnuradio import blocks, gr, semsat
from gnuradio.semsat import ofdm_link as ol

ESN0_DB = 8.0
FRAMES_PER_SEED = 2


@cache
def tdl_run(fft_len: int, seeds: int) -> tuple[list[ol.Packet], ol.Reception]:
    num = ol.Numerology(fft_len, fft_len // 8, fft_len * 106 // 128 // 2 * 2, 6)
    assert fft_len != ol.DEFAULT.fft_len or num == ol.DEFAULT
    samp_rate = 30e3 * fft_len
    snr_db = ESN0_DB - 10 * np.log10(num.fft_len / num.occupied)
    rng = np.random.default_rng(38811)
    mapper = semsat.ofdm_mapper(*num.args())
    received, packets = [], []
    for seed in range(1, seeds + 1):
        pk = [
            ol.random_packet(rng, 1, 300, seed % 256, (FRAMES_PER_SEED * seed + i) % 65536)
            for i in range(FRAMES_PER_SEED)
        ]
        x = ol.with_gaps(
            ol.split_frames(ol.transmit(pk, num, mapper=mapper), pk, mapper.frame_length), rng, 400
        )
        cfo_hz = float(rng.choice([-1.7, 1.7])) * samp_rate / num.fft_len
        channel = semsat.ntn_tdl_channel_cc(
            samp_rate, "NTN-TDL-A", 100e-9, 2e9, 3.0, cfo_hz, 0.0, 0.0, snr_db, True, seed
        )
        top = gr.top_block()
        src, sink = blocks.vector_source_c(x.tolist(), False), blocks.vector_sink_c()
        top.connect(src, channel, sink)
        top.run()
        received.append(np.array(sink.data(), dtype=np.complex64))
        packets += pk
    return packets, ol.receive(np.concatenate(received), num)


@pytest.mark.parametrize(("fft_len", "seeds", "target"), [(ol.DEFAULT.fft_len, 1000, 0.99), (128, 250, 0.97)])
def test_header_detection_rate(fft_len: int, seeds: int, target: float):
    packets, rx = tdl_run(fft_len, seeds)
    sent = {(p.stream_id, p.seq): p for p in packets}
    got = [(f.stream_id, f.seq) for f in rx.frames]
    assert set(got) <= set(sent), "a frame came out with a header that was never sent"
    assert len(got) == len(set(got))
    rate = rx.counters["headers"] / len(packets)
    print(f"FFT {fft_len}: {rx.counters['headers']}/{len(packets)} headers at Es/N0 {ESN0_DB} dB")
    assert rate >= target, f"{rx.counters['headers']}/{len(packets)} headers at Es/N0 {ESN0_DB} dB"
    # Frames whose header was decoded are emitted whole, with the payload length they announced.
    for f in rx.frames:
        assert len(f.symbols) == len(sent[(f.stream_id, f.seq)].symbols)

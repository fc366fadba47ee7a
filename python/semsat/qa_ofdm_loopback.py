"""OFDM mapper -> demapper without a channel: every frame back, headers exact, payload exact."""

from functools import cache

import numpy as np
from gnuradio import semsat
from gnuradio.semsat import ofdm_link as ol

N_FRAMES = 1000
NUM = ol.Numerology()


@cache
def loopback() -> tuple[list[ol.Packet], np.ndarray, ol.Reception]:
    rng = np.random.default_rng(2026)
    packets = []
    for i in range(N_FRAMES):
        frame_type = int(rng.integers(0, 4))
        n = int(rng.integers(1, 400))
        p = ol.random_packet(rng, frame_type, n, int(rng.integers(0, 256)), int(rng.integers(0, 65536)))
        # Some packets carry no seq / stream_id tag: the mapper's defaults must show up.
        if i % 10 == 3:
            p.seq = None
        if i % 10 == 7:
            p.stream_id = None
        packets.append(p)
    tx = ol.transmit(packets, NUM)
    rx = ol.receive(np.concatenate([np.zeros(777, np.complex64), tx, np.zeros(4096, np.complex64)]), NUM)
    return packets, tx, rx


def expected_headers(packets: list[ol.Packet]) -> list[tuple[int, int, int, int]]:
    out = []
    last_seq = -1
    for p in packets:
        seq = (last_seq + 1) % 65536 if p.seq is None else p.seq
        last_seq = seq
        out.append((p.frame_type, 0 if p.stream_id is None else p.stream_id, seq, len(p.symbols)))
    return out


def test_every_frame_comes_back_with_its_exact_header():
    packets, _, rx = loopback()
    got = [(f.frame_type, f.stream_id, f.seq, len(f.symbols)) for f in rx.frames]
    assert got == expected_headers(packets)
    assert rx.counters == {
        "detected": N_FRAMES,
        "decoded": N_FRAMES,
        "dropped": 0,
        "headers": N_FRAMES,
        "nonfinite": 0,
        "rejected": 0,
    }
    # The stats port's last message says the same.
    assert rx.stats == rx.counters


def test_qam_payloads_are_bit_exact_and_analog_evm_below_minus_40_db():
    packets, _, rx = loopback()
    worst_evm_db = -np.inf
    for p, f in zip(packets, rx.frames, strict=True):
        if p.frame_type == 0:
            evm = np.mean(np.abs(f.symbols - p.symbols) ** 2) / np.mean(np.abs(p.symbols) ** 2)
            worst_evm_db = max(worst_evm_db, 10 * np.log10(evm))
        else:
            np.testing.assert_array_equal(ol.qam_demodulate(f.symbols, p.frame_type), p.bits)
    assert worst_evm_db < -40.0, worst_evm_db


def test_noise_variance_and_snr_tags_are_sane_without_noise():
    _, _, rx = loopback()
    for f in rx.frames[:50]:
        assert np.all(np.isfinite(f.noise_var)) and np.all(f.noise_var > 0)
        assert np.max(f.noise_var) < 1e-3
        assert f.snr_db > 40.0
        assert abs(f.cfo) < 0.01


def test_frame_layout_and_power():
    packets, tx, _ = loopback()
    mapper = semsat.ofdm_mapper(*NUM.args())
    assert len(tx) == sum(mapper.frame_length(len(p.symbols)) for p in packets)
    sym = mapper.symbol_length()
    assert sym == NUM.fft_len + NUM.cp_len and mapper.guard() == sym
    data, pilots = mapper.data_carriers(), mapper.pilot_carriers()
    assert len(data) + len(pilots) == NUM.occupied and 0 not in data + pilots
    # Average power of a frame (guard excluded) is about 1, whatever the payload.
    frames = ol.split_frames(tx, packets, mapper.frame_length)
    powers = [np.mean(np.abs(f[: len(f) - mapper.guard()]) ** 2) for f in frames[:200]]
    full = [pw for pw, p in zip(powers, packets, strict=False) if len(p.symbols) % len(data) == 0]
    assert 0.85 < np.mean(powers) < 1.05
    assert all(abs(pw - 1.0) < 0.05 for pw in full)
    # Cyclic prefix: the first cp samples of every symbol repeat its last cp samples.
    f = frames[0]
    for s in range(len(f) // sym):
        block = f[s * sym : (s + 1) * sym]
        np.testing.assert_allclose(block[: NUM.cp_len], block[-NUM.cp_len :], atol=1e-6)
    # The preamble's useful part has two identical halves (Schmidl-Cox).
    half = NUM.fft_len // 2
    pre = f[NUM.cp_len : sym]
    np.testing.assert_allclose(pre[:half], pre[half:], atol=1e-6)

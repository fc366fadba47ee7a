"""Time interleaving of the digital path (phy/packet_bursts.py, phy/burst_gatherer.py): the split and its seq
layout against their definitions, and the gatherer's closing rule against the order an air_scheduler sends
in."""

import itertools

import numpy as np
import pytest
from gnuradio.semsat.phy import packet_bursts
from gnuradio.semsat.phy.burst_gatherer import PacketGatherer


def test_split_is_round_robin_and_merge_inverts_it():
    symbols = (np.arange(11) + 1j * np.arange(11)).astype(np.complex64)
    parts = packet_bursts.split(symbols, 4)
    assert [list(p.real) for p in parts] == [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7]]
    received = {b: (p, np.full(len(p), 0.1, dtype=np.float32)) for b, p in enumerate(parts)}
    merged, noise_var = packet_bursts.merge(11, 4, received)
    np.testing.assert_array_equal(merged, symbols)
    np.testing.assert_allclose(noise_var, 0.1)


def test_missing_burst_is_an_erasure():
    parts = packet_bursts.split(np.ones(9, dtype=np.complex64), 3)
    received = {b: (parts[b], np.full(len(parts[b]), 0.5, dtype=np.float32)) for b in (0, 2)}
    merged, noise_var = packet_bursts.merge(9, 3, received)
    assert np.all(merged[1::3] == 0) and np.all(noise_var[1::3] == packet_bursts.ERASURE_NOISE_VAR)
    assert np.all(merged[0::3] == 1) and np.all(noise_var[0::3] == 0.5)


@pytest.mark.parametrize("n_bursts", [2, 3, 4, 7])
def test_any_one_burst_gives_the_packet(n_bursts):
    modulo = packet_bursts.packet_seq_modulo(n_bursts)
    assert modulo == 65536 // n_bursts**2
    for packet, n_symbols in itertools.product((0, 1, modulo - 1), range(n_bursts, 3 * n_bursts + 2)):
        parts = packet_bursts.split(np.zeros(n_symbols, dtype=np.complex64), n_bursts)
        for burst, part in enumerate(parts):
            seq = packet_bursts.burst_seq(packet, n_symbols, burst, n_bursts)
            assert 0 <= seq < 65536
            header = packet_bursts.parse(seq, len(part), n_bursts)
            assert (header.packet, header.burst, header.n_symbols) == (packet, burst, n_symbols)


def test_one_burst_keeps_the_packet_seq():
    assert packet_bursts.burst_seq(1234, 900, 0, 1) == 1234
    assert packet_bursts.parse(1234, 900, 1).packet == 1234


def test_bad_split_and_seq_are_refused():
    with pytest.raises(ValueError, match="cannot fill"):
        packet_bursts.split(np.zeros(3, dtype=np.complex64), 4)
    with pytest.raises(ValueError, match="out of"):
        packet_bursts.burst_seq(4096, 900, 0, 4)
    with pytest.raises(ValueError, match="n_bursts"):
        packet_bursts.check_n_bursts(0)
    assert packet_bursts.parse(-1, 10, 4) is None and packet_bursts.parse(5, 0, 4) is None


def _bursts_of(stream_id: int, packet: int, n_symbols: int, n_bursts: int):
    parts = packet_bursts.split(np.full(n_symbols, packet + 1, dtype=np.complex64), n_bursts)
    return [
        (b, stream_id, packet_bursts.burst_seq(packet, n_symbols, b, n_bursts), part)
        for b, part in enumerate(parts)
    ]


def _feed(gatherer: PacketGatherer, sequence, lost=frozenset()):
    ready = []
    for _burst, stream_id, seq, part in sequence:
        if (stream_id, seq) in lost:
            continue
        out, refused = gatherer.add(stream_id, seq, 1, part, np.ones(len(part), dtype=np.float32), {})
        assert refused is None
        ready.extend(out)
    return ready


def test_air_order_closes_packets_with_lost_bursts():
    """Packets sent as an air_scheduler orders them (burst, stream id, seq): a packet missing bursts, even
    its first or its last, is ready once a later packet's last burst arrives, with the rest as erasures."""
    n = 4
    packets = [(3, p, 900 + p) for p in range(5)] + [(255, 0, 904)]  # the last one a flush packet
    sequence = sorted(b for s, p, size in packets for b in _bursts_of(s, p, size, n))
    lost = {(3, packet_bursts.burst_seq(1, 901, 0, n)), (3, packet_bursts.burst_seq(2, 902, 3, n))}
    lost |= {(3, packet_bursts.burst_seq(4, 904, b, n)) for b in (1, 2)}
    ready = _feed(PacketGatherer(n), sequence, lost)
    by_packet = {(r.stream_id, r.packet): r for r in ready}
    assert len(ready) == 6 and set(by_packet) == {(s, p) for s, p, _ in packets}
    assert [by_packet[(3, p)].lost_bursts(n) for p in range(5)] == [0, 1, 1, 0, 2]
    for s, p, size in packets:
        symbols, noise_var = by_packet[(s, p)].merged(n)
        received = noise_var < packet_bursts.ERASURE_NOISE_VAR
        assert len(symbols) == size and np.all(symbols[received] == p + 1)


def test_back_to_back_bursts_close_at_the_next_packet():
    """A sender without a scheduler sends each packet's bursts in a row: a lost last burst closes its
    packet when the next packet begins."""
    n = 3
    sequence = [b for p in range(3) for b in _bursts_of(7, p, 600, n)]
    lost = {(7, packet_bursts.burst_seq(0, 600, 2, n))}
    gatherer = PacketGatherer(n)
    ready = _feed(gatherer, sequence, lost)
    assert [(r.packet, r.lost_bursts(n)) for r in ready] == [(0, 1), (1, 0), (2, 0)]
    assert gatherer.pending() == 0


def test_repeated_burst_is_refused():
    gatherer = PacketGatherer(2)
    (b0, s, seq, part), _ = _bursts_of(1, 5, 100, 2)
    noise_var = np.ones(len(part), dtype=np.float32)
    assert gatherer.add(s, seq, 1, part, noise_var, {}) == ([], None)
    assert gatherer.add(s, seq, 1, part, noise_var, {})[1] is not None

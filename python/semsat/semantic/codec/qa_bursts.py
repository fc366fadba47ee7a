"""Time interleaving of codec windows over bursts (bursts.py) and their gathering at the receiver
(reassembly.py), checked against the definition of the diagonal pattern."""

import numpy as np
import pytest
from gnuradio.semsat.semantic.codec import bursts
from gnuradio.semsat.semantic.codec.reassembly import BurstGatherer, BurstRefused
from gnuradio.semsat.semantic.codec.runtime import MAX_NOISE_VAR


def window_symbols(n_items: int, per_item: int) -> np.ndarray:
    """Symbols whose value names their place: item i, symbol j -> i + 1j * j."""
    return (np.arange(n_items)[:, None] + 1j * np.arange(per_item)[None, :]).reshape(-1).astype(np.complex64)


@pytest.mark.parametrize("per_item", [1, 2, 4, 6])
@pytest.mark.parametrize("n_bursts", [1, 2, 3, 4, 8])
def test_split_follows_the_diagonal_and_merge_undoes_it(per_item, n_bursts):
    n_items = 25
    symbols = window_symbols(n_items, per_item)
    parts = bursts.split(symbols, per_item, n_bursts)
    used = min(n_bursts, per_item)
    assert len(parts) == used
    for b, part in enumerate(parts):
        items, places = part.real.astype(int), part.imag.astype(int)
        assert np.all((items + places) % used == b)
        assert np.all(np.diff(items * per_item + places) > 0)  # window order kept inside a burst
        # Every item has at least one symbol in every burst: a lost burst never takes a whole item.
        assert set(items) == set(range(n_items))
    received = {b: (part, np.full(len(part), 0.1, np.float32)) for b, part in enumerate(parts)}
    merged, noise_var = bursts.merge(received, n_items, per_item, n_bursts)
    np.testing.assert_array_equal(merged, symbols)
    assert np.all(noise_var == np.float32(0.1))


def test_a_lost_burst_is_not_received_and_spread_over_the_items():
    per_item, n_items = 6, 25
    symbols = window_symbols(n_items, per_item)
    parts = bursts.split(symbols, per_item, 4)
    received = {b: (parts[b], np.ones(len(parts[b]), np.float32)) for b in (0, 1, 3)}
    merged, noise_var = bursts.merge(received, n_items, per_item, 4)
    lost = (noise_var == MAX_NOISE_VAR).reshape(n_items, per_item)
    assert np.all(merged.reshape(n_items, per_item)[lost] == 0)
    assert np.all((lost.sum(axis=1) >= 1) & (lost.sum(axis=1) <= 2))  # 6 symbols over 4 bursts: 1 or 2 each
    assert lost.sum() == len(parts[2])


@pytest.mark.parametrize("per_item", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("n_bursts", [1, 2, 3, 4])
def test_any_burst_length_gives_the_window_item_count(per_item, n_bursts):
    for n_items in range(1, 257):
        lengths = [len(p) for p in bursts.split(window_symbols(n_items, per_item), per_item, n_bursts)]
        for b, length in enumerate(lengths):
            assert bursts.items_in_window(b, length, per_item, n_bursts) == n_items


def test_bad_burst_counts_are_refused():
    with pytest.raises(ValueError, match="n_bursts"):
        bursts.effective_bursts(0, 4)
    with pytest.raises(ValueError, match="whole items"):
        bursts.split(np.zeros(7, np.complex64), 2, 2)


def gathered(per_item: int = 4, n_items: int = 10, n_bursts: int = 4):
    parts = bursts.split(window_symbols(n_items, per_item), per_item, n_bursts)
    return parts, [np.full(len(p), 0.5, np.float32) for p in parts]


def test_gatherer_completes_windows_and_flushes_a_partial_one_on_the_next():
    parts, variances = gathered()
    gatherer = BurstGatherer(4, 1 << 14)
    ready = [w for b in range(4) for w in gatherer.add(0, b, parts[b], variances[b], 4, None)]
    assert [(w.window, w.lost_bursts(4)) for w in ready] == [(0, 0)]
    assert gatherer.add(1, 0, parts[0], variances[0], 4, None) == []
    assert gatherer.add(1, 2, parts[2], variances[2], 4, None) == []
    ready = gatherer.add(2, 1, parts[1], variances[1], 4, None)  # window 1 lost bursts 1 and 3
    assert [(w.window, w.n_items, w.lost_bursts(4)) for w in ready] == [(1, 10, 2)]
    symbols, noise_var = ready[0].symbols(4)
    assert np.count_nonzero(noise_var == MAX_NOISE_VAR) == len(parts[1]) + len(parts[3])


def test_gatherer_refuses_late_repeated_and_misfit_bursts_and_keeps_its_window():
    parts, variances = gathered()
    gatherer = BurstGatherer(4, 1 << 14)
    gatherer.add(5, 0, parts[0], variances[0], 4, None)
    with pytest.raises(BurstRefused):
        gatherer.add(4, 1, parts[1], variances[1], 4, None)  # a window already past
    with pytest.raises(BurstRefused):
        gatherer.add(5, 0, parts[0], variances[0], 4, None)  # repeated
    with pytest.raises(BurstRefused):
        gatherer.add(5, 1, parts[1][:-1], variances[1][:-1], 4, None)  # not this window's length
    with pytest.raises(BurstRefused):
        gatherer.add(5, 4, parts[1], variances[1], 4, None)  # no burst 4 of 4
    ready = [w for b in (1, 2, 3) for w in gatherer.add(5, b, parts[b], variances[b], 4, None)]
    assert [(w.window, w.lost_bursts(4)) for w in ready] == [(5, 0)]

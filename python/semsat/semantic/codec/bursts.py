"""Time interleaving: one window's symbols spread over several bursts sent at different air times.

At walking speed a 2 GHz channel stays in one fade for ~75 ms, far longer than an OFDM frame, so a window
sent as one frame is either received or lost whole. Spread over ``n_bursts`` bursts spaced farther apart than
that, each burst sees its own fade, and every item keeps some of its symbols whatever one burst suffers: the
decoder, given each symbol's noise variance, leans on those.

The pattern is diagonal: symbol ``j`` of item ``i`` goes to burst ``(i + j) mod B``, so an item's symbols
land in consecutive bursts and neighbouring items start in different ones. ``B`` never exceeds the symbols
per item, so every item puts at least one symbol in every burst: a burst's length then tells the receiver the
window's item count, whichever bursts were lost.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .runtime import MAX_NOISE_VAR

MAX_BURSTS = 8
DEFAULT_BURSTS = 4  # 250 ms apart in a 1 s window: over 3x the coherence time at 3 km/h, 2 GHz


def effective_bursts(n_bursts: int, per_item: int) -> int:
    """Bursts actually used: at most one per symbol of an item."""
    if not 1 <= n_bursts <= MAX_BURSTS:
        raise ValueError(f"n_bursts must be 1..{MAX_BURSTS}, got {n_bursts}")
    if per_item < 1:
        raise ValueError(f"symbols per item must be >= 1, got {per_item}")
    return min(n_bursts, per_item)


def burst_of_symbols(n_items: int, per_item: int, n_bursts: int) -> npt.NDArray[np.int64]:
    """The burst of each symbol of a window, in the window's symbol order (item-major)."""
    b = effective_bursts(n_bursts, per_item)
    return ((np.arange(n_items)[:, None] + np.arange(per_item)[None, :]) % b).reshape(-1)


def split(symbols: npt.ArrayLike, per_item: int, n_bursts: int) -> list[npt.NDArray[np.complex64]]:
    """A window's symbols as its bursts (each in window order)."""
    x = np.asarray(symbols, dtype=np.complex64).reshape(-1)
    if x.size % per_item:
        raise ValueError(f"{x.size} symbols are not whole items of {per_item}")
    owner = burst_of_symbols(x.size // per_item, per_item, n_bursts)
    return [x[owner == b] for b in range(effective_bursts(n_bursts, per_item))]


def items_in_window(burst: int, length: int, per_item: int, n_bursts: int) -> int:
    """The window's item count from one burst's length. ValueError when no item count gives that length."""
    b = effective_bursts(n_bursts, per_item)
    if not 0 <= burst < b:
        raise ValueError(f"burst {burst} of {b}")
    # Each item puts per_item // b or per_item // b + 1 symbols into every burst: search near length / share.
    guess = int(length * b // per_item)
    for n in range(max(guess - b, 1), guess + b + 1):
        if int(np.count_nonzero(burst_of_symbols(n, per_item, b) == burst)) == length:
            return n
    raise ValueError(f"{length} symbols cannot be burst {burst} of {b} at {per_item} symbols per item")


def merge(
    received: dict[int, tuple[npt.ArrayLike, npt.ArrayLike]], n_items: int, per_item: int, n_bursts: int
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
    """The window's symbols and noise variances from the bursts received (burst index -> symbols, variances);
    a missing burst's symbols are zeros of MAX_NOISE_VAR ("not received")."""
    owner = burst_of_symbols(n_items, per_item, n_bursts)
    symbols = np.zeros(owner.size, np.complex64)
    noise_var = np.full(owner.size, MAX_NOISE_VAR, np.float32)
    for burst, (values, variances) in received.items():
        where = owner == burst
        values = np.asarray(values, dtype=np.complex64).reshape(-1)
        variances = np.broadcast_to(np.asarray(variances, dtype=np.float32), values.shape)
        if values.size != np.count_nonzero(where):
            raise ValueError(f"burst {burst} has {values.size} symbols, expected {np.count_nonzero(where)}")
        symbols[where] = values
        noise_var[where] = variances
    return symbols, noise_var

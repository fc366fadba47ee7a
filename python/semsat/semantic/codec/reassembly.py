"""The receiver's side of time interleaving: bursts gathered back into their windows (bursts.py).

A window is ready when all its bursts are in, or when a burst of a later window arrives (its missing bursts
were lost: the decoder reads their symbols as not received). Bursts arrive in air-time order, so nothing of
a window comes after the next window has begun; a burst that does is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .bursts import burst_of_symbols, effective_bursts, items_in_window, merge


class BurstRefused(ValueError):
    """A burst that cannot belong to the window being gathered (late, repeated, or of a wrong length)."""


@dataclass
class GatheredWindow:
    window: int
    n_items: int
    per_item: int
    meta: object  # the first burst's meta, for the output's clip and mode
    received: dict[int, tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]] = field(
        default_factory=dict
    )

    def symbols(self, n_bursts: int) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
        """The window's symbols and noise variances, lost bursts as not received."""
        return merge(self.received, self.n_items, self.per_item, n_bursts)

    def lost_bursts(self, n_bursts: int) -> int:
        return effective_bursts(n_bursts, self.per_item) - len(self.received)


class BurstGatherer:
    """Collects bursts (window number, burst index) into windows, numbered modulo ``window_modulo``."""

    def __init__(self, n_bursts: int, window_modulo: int) -> None:
        effective_bursts(n_bursts, 1)
        self.n_bursts = n_bursts
        self.window_modulo = window_modulo
        self._pending: GatheredWindow | None = None

    def add(
        self,
        window: int,
        burst: int,
        symbols: npt.NDArray[np.complex64],
        noise_var: npt.NDArray[np.float32],
        per_item: int,
        meta: object,
    ) -> list[GatheredWindow]:
        """Takes one burst; returns the windows now ready, oldest first. BurstRefused (a ValueError) when the
        burst cannot be placed; the windows being gathered are kept."""
        if not 0 <= burst < effective_bursts(self.n_bursts, per_item):
            raise BurstRefused(f"burst {burst} of {effective_bursts(self.n_bursts, per_item)}")
        ready = []
        pending = self._pending
        if pending is not None and window != pending.window:
            ahead = (window - pending.window) % self.window_modulo
            if ahead > self.window_modulo // 2:
                raise BurstRefused(f"burst of window {window} after window {pending.window} had begun")
            new = self._new_window(window, burst, len(symbols), per_item, meta)
            ready.append(pending)
            pending = new
        elif pending is None:
            pending = self._new_window(window, burst, len(symbols), per_item, meta)
        else:
            owner = burst_of_symbols(pending.n_items, per_item, self.n_bursts)
            if burst in pending.received or per_item != pending.per_item:
                raise BurstRefused(f"burst {burst} of window {window} repeated, or another budget")
            if len(symbols) != np.count_nonzero(owner == burst):
                raise BurstRefused(f"burst {burst} of window {window}: {len(symbols)} symbols, wrong length")
        pending.received[burst] = (symbols, noise_var)
        if len(pending.received) == effective_bursts(self.n_bursts, per_item):
            ready.append(pending)
            pending = None
        self._pending = pending
        return ready

    def _new_window(
        self, window: int, burst: int, length: int, per_item: int, meta: object
    ) -> GatheredWindow:
        try:
            n_items = items_in_window(burst, length, per_item, self.n_bursts)
        except ValueError as error:
            raise BurstRefused(str(error)) from None
        return GatheredWindow(window, n_items, per_item, meta)

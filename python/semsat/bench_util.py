"""Shared helpers of the benchmarks: one-core pinning and best-of-N timing."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def pin_to_one_core() -> int:
    """Pins this process (and the threads it starts later) to one CPU, as the targets are per core."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def best_of(repeats: int, run: Callable[[], T], key: Callable[[T], float]) -> T:
    """The best of ``repeats`` runs by ``key`` (higher is better): the least disturbed measurement."""
    return max((run() for _ in range(repeats)), key=key)

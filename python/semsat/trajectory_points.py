"""Doppler trajectory points for doppler_cc, taken from a trajectory file written by semsat-pass."""

from __future__ import annotations

import math
from pathlib import Path

from .trajectory import Trajectory


def doppler_trajectory(path: str | Path, time_offset_s: float = 0.0) -> tuple[list[float], list[float]]:
    """(times, freqs) for doppler_cc's `times` and `freqs` parameters, read from the trajectory at `path`.

    Times are in seconds from the first input sample: the first point of the file lands at `time_offset_s`
    (doppler_cc holds the first frequency before it). Frequencies are the file's Doppler in Hz, positive while
    the satellite approaches.
    """
    # "not >= 0" also rejects NaN; doppler_cc needs every point at a time >= 0.
    if not (time_offset_s >= 0.0 and math.isfinite(time_offset_s)):
        raise ValueError(f"time_offset_s must be a finite number of seconds >= 0, got {time_offset_s}")
    track = Trajectory.read(path)
    times = track.time_s - track.time_s[0] + time_offset_s
    return [float(t) for t in times], [float(f) for f in track.doppler_hz]

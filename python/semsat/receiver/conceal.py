"""Concealment of face-parameter frames that never arrived: linear interpolation between the nearest
received frames on both sides, the nearest one held at the clip's edges, neutral (zeros) with none."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def conceal(values: npt.NDArray[np.float32], received: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """``values`` [T, D] with rows valid where ``received`` [T]; returns a copy with every row filled."""
    if values.ndim != 2 or received.shape != values.shape[:1]:
        raise ValueError(f"need values [T, D] and received [T], got {values.shape} and {received.shape}")
    if not received.any():
        return np.zeros_like(values)
    frames = np.arange(len(values))
    known = frames[received]
    filled = np.empty_like(values)
    for column in range(values.shape[1]):
        # np.interp holds the first and last known values beyond the known range.
        filled[:, column] = np.interp(frames, known, values[received, column])
    return filled

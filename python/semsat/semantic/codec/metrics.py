"""How the codec is scored: face NMSE, token accuracy, durations within a tolerance (numpy only).

Face NMSE: each of the 12 parameters is first standardized by a fixed per-dimension mean and std (the
training clips'), so a rotation in radians and a mouth coefficient weigh alike; NMSE is then the mean
squared error over the mean squared value of the standardized truth, both over all frames and dimensions.
The mean squared value includes how far the scored clip sits from the training mean, which the codec must
also carry; ``face_nmse_db(..., centred=True)`` takes the clip's own spread instead (a stricter figure).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def face_nmse_db(
    truth: npt.ArrayLike,
    decoded: npt.ArrayLike,
    mean: npt.ArrayLike,
    std: npt.ArrayLike,
    centred: bool = False,
) -> float:
    x = (np.asarray(truth, np.float64) - mean) / std
    y = (np.asarray(decoded, np.float64) - mean) / std
    reference = x - x.mean(axis=0) if centred else x
    return float(10 * np.log10(np.mean((y - x) ** 2) / np.mean(reference**2)))


def token_accuracy(truth: npt.ArrayLike, decoded: npt.ArrayLike) -> float:
    """Share of positions whose token was decoded right (the codec keeps the count, so no alignment)."""
    return float(np.mean(np.asarray(truth).reshape(-1) == np.asarray(decoded).reshape(-1)))


def duration_within(truth: npt.ArrayLike, decoded: npt.ArrayLike, frames: int) -> float:
    """Share of durations decoded within ``frames`` video frames of the truth."""
    error = np.abs(np.asarray(decoded, np.float64).reshape(-1) - np.asarray(truth, np.float64).reshape(-1))
    return float(np.mean(error <= frames))

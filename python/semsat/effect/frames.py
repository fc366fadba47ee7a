"""Checking the frame stacks every metric takes, so bad input fails with a message, not deep in OpenCV."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def as_frames(frames: npt.ArrayLike, name: str = "frames") -> npt.NDArray[np.uint8]:
    """``frames`` as an RGB uint8 array [T, H, W, 3] with at least one frame, else a ValueError."""
    array = np.asarray(frames)
    if array.ndim != 4 or array.shape[-1] != 3 or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty RGB stack [T, H, W, 3], got shape {array.shape}")
    if array.dtype != np.uint8:
        raise ValueError(f"{name} must be uint8 (0-255), got {array.dtype}")
    return array


def check_same_shape(reference: npt.NDArray[np.uint8], output: npt.NDArray[np.uint8]) -> None:
    """Paired metrics compare frame t with frame t, pixel by pixel."""
    if reference.shape != output.shape:
        raise ValueError(
            f"reference and output frames differ in shape: {reference.shape} vs {output.shape} "
            "(crop both to the same size and trim to the common number of frames first)"
        )

"""The side-by-side image of a link run: original | reconstruction | frozen baseline, a few frames of the
clip one under the other, each column labelled."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

COLUMNS = ("original", "reconstruction", "frozen baseline")
ROWS = 4


def side_by_side(
    original: npt.NDArray[np.uint8], reconstruction: npt.NDArray[np.uint8], rows: int = ROWS
) -> npt.NDArray[np.uint8]:
    """An RGB image: ``rows`` evenly spaced frames of the 256x256 crops [T, 256, 256, 3] of both clips, the
    frozen baseline (the original's first frame) beside them."""
    n = min(len(original), len(reconstruction))
    if n == 0:
        raise ValueError("no frames to show")
    picks = np.linspace(0, n - 1, min(rows, n)).round().astype(int)
    lines = []
    for i in picks:
        tiles = [original[i], reconstruction[i], original[0]]
        tiles = [t.copy() for t in tiles]
        for tile, label in zip(tiles, COLUMNS, strict=True):
            cv2.putText(
                tile, f"{label} #{i}", (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 0), 1, cv2.LINE_AA
            )
        lines.append(np.concatenate(tiles, axis=1))
    return np.concatenate(lines, axis=0)


def write_side_by_side(
    path: Path, original: npt.NDArray[np.uint8], reconstruction: npt.NDArray[np.uint8]
) -> None:
    image = side_by_side(original, reconstruction)
    if not cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
        raise OSError(f"{path}: cannot write the image")

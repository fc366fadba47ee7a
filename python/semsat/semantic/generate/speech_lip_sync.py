"""Word and phone timing from the lips: dynamic time warping of the expected mouth openness of a reading
onto the observed mouth-opening track of one speaking interval.

Each phone has a typical openness (viseme classes: open vowels wide, bilabials shut); the reading's
phones, at their read durations, give an expected openness curve; DTW maps it onto the observed opening
(both scaled to [0, 1] over the interval), with a penalty on non-diagonal steps so the reading's rhythm
bends but does not collapse, and a minimum phone length so no phone is squeezed out of hearing. The
mapped phone boundaries become the target spans of the time-warp.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..extract.alignment import enforce_min_duration

STEP_MS = 10.0
# Tuned on the five GRID clips (AV offset and Whisper WER of the result): a lower step penalty (0.05-0.1)
# or shorter minimum phones (30-40 ms) let DTW squeeze phones until Whisper lost words (WER up to 0.83);
# blending the lips' boundaries half-way with the reading's kept words but lost sync (offsets -4..+2).
OFF_DIAGONAL_PENALTY = 0.3
MIN_PHONE_MS = 60.0

_OPENNESS = {
    **dict.fromkeys(("AA", "AE", "AW", "AY"), 1.0),
    **dict.fromkeys(("AH", "AO", "EH", "EY", "ER", "OW", "OY", "HH"), 0.8),
    **dict.fromkeys(("IH", "IY", "UH", "UW", "Y"), 0.55),
    **dict.fromkeys(("P", "B", "M"), 0.0),
    **dict.fromkeys(("F", "V", "W"), 0.2),
    "SIL": 0.0,
}
CONSONANT_OPENNESS = 0.4


def openness(phone: str) -> float:
    """Typical mouth openness of a phone, 0 (lips shut) to 1 (wide open)."""
    return _OPENNESS.get(phone, CONSONANT_OPENNESS)


def _unit(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    low, high = np.percentile(values, [5, 95])
    return np.clip((values - low) / (high - low), 0.0, 1.0) if high > low else np.zeros_like(values)


def dtw_path(expected: npt.NDArray[np.float64], observed: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """For each expected step, the last observed index it maps to (non-decreasing, ending at len - 1)."""
    n, m = expected.size, observed.size
    distance = np.abs(expected[:, None] - observed[None, :]).tolist()
    cost = [[0.0] * m for _ in range(n)]
    move = [[0] * m for _ in range(n)]  # 0 diagonal, 1 expected only, 2 observed only
    infinity = float("inf")
    for i in range(n):
        row, above, here = cost[i], cost[i - 1] if i else None, distance[i]
        for j in range(m):
            if i == 0 and j == 0:
                row[0] = here[0]
                continue
            diagonal = above[j - 1] if above is not None and j else infinity
            vertical = above[j] + OFF_DIAGONAL_PENALTY if above is not None else infinity
            horizontal = row[j - 1] + OFF_DIAGONAL_PENALTY if j else infinity
            if diagonal <= vertical and diagonal <= horizontal:
                row[j], move[i][j] = diagonal + here[j], 0
            elif vertical <= horizontal:
                row[j], move[i][j] = vertical + here[j], 1
            else:
                row[j], move[i][j] = horizontal + here[j], 2
    mapped = np.zeros(n, np.int64)
    i, j = n - 1, m - 1
    mapped[i] = j
    while i > 0 or j > 0:
        step = move[i][j]
        i, j = (i - 1, j - 1) if step == 0 else (i - 1, j) if step == 1 else (i, j - 1)
        if step != 2:
            mapped[i] = j
    return mapped


def lip_synced_bounds(
    phones: list[str],
    durations_ms: npt.NDArray[np.float64],
    opening: npt.NDArray[np.float64],
    start_ms: float,
    end_ms: float,
    fps: float,
) -> npt.NDArray[np.float64]:
    """P + 1 phone boundaries (ms) from ``start_ms`` to ``end_ms`` following the lips (opening per frame)."""
    frame_ms = 1000.0 / fps
    read_bounds = start_ms + np.concatenate([[0.0], np.cumsum(durations_ms)]) * (
        (end_ms - start_ms) / max(float(durations_ms.sum()), 1e-9)
    )
    steps_ms = np.arange(start_ms, end_ms, STEP_MS)
    if steps_ms.size < 2:
        return read_bounds
    which = np.minimum(np.searchsorted(read_bounds, steps_ms, side="right") - 1, len(phones) - 1)
    expected = _unit(np.array([openness(phones[k]) for k in which]))
    frame_centres_ms = (np.arange(opening.size) + 0.5) * frame_ms
    observed = _unit(np.interp(steps_ms, frame_centres_ms, opening))
    mapped_ms = steps_ms[dtw_path(expected, observed)]
    bounds = np.interp(read_bounds, np.append(steps_ms, end_ms), np.append(mapped_ms, end_ms))
    bounds = np.maximum.accumulate(bounds)
    bounds[0], bounds[-1] = start_ms, end_ms
    return enforce_min_duration(bounds, min(MIN_PHONE_MS, (end_ms - start_ms) / len(phones)))

"""Face keyframes: the slow part of the face track that A2V sends beside its speech semantics.

Audio predicts the fast articulation of the mouth (A2F model or viseme table), but not where the head is or
drifts to, nor the speaker's slowly changing resting expression: on GRID most of the frozen baseline's error
is head drift (qa_viseme.py). A2V therefore sends the 12 face parameters of every ``step``-th frame (and of
the last one), a tenth of V2A's values at the default step, and the receiver keeps the audio-driven motion
between them: expression = keyframe interpolation + (prediction - its own keyframe interpolation), pose =
keyframe interpolation. ``step = 0`` sends none: pure A2V with zero video symbols.

A keyframe row is ``[frame, 12 face parameters]`` (float32), frames strictly increasing.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .extract.expression_model import N_COEFFICIENTS
from .features import FACE_PARAMS

KEYFRAME_COLUMNS = 1 + FACE_PARAMS
DEFAULT_KEYFRAME_STEP = 10  # frames: 2.5 keyframes per second at 25 fps


def keyframe_frames(n_frames: int, step: int) -> npt.NDArray[np.int64]:
    """Frames 0, step, 2 step, ... and the last frame; none when ``step`` is 0."""
    if step < 0:
        raise ValueError(f"keyframe step must be >= 0, got {step}")
    if step == 0 or n_frames == 0:
        return np.zeros(0, np.int64)
    frames = np.arange(0, n_frames, step)
    return frames if frames[-1] == n_frames - 1 else np.append(frames, n_frames - 1)


def select_keyframes(
    face_params: npt.ArrayLike, step: int = DEFAULT_KEYFRAME_STEP
) -> npt.NDArray[np.float32]:
    """Keyframe rows [K, 13] of a clip's face parameters [T, 12]."""
    params = np.asarray(face_params, dtype=np.float32)
    if params.ndim != 2 or params.shape[1] != FACE_PARAMS:
        raise ValueError(f"need face parameters [T, {FACE_PARAMS}], got {params.shape}")
    frames = keyframe_frames(len(params), step)
    return np.column_stack([frames.astype(np.float32), params[frames]])


def interpolate_keyframes(keyframes: npt.ArrayLike, n_frames: int) -> npt.NDArray[np.float64]:
    """Face parameters [T, 12] linearly interpolated between keyframes, held beyond the first and last."""
    rows = _checked(keyframes, n_frames)
    if len(rows) == 0:
        raise ValueError("no keyframes to interpolate")
    t = np.arange(n_frames)
    return np.column_stack([np.interp(t, rows[:, 0], rows[:, 1 + j]) for j in range(FACE_PARAMS)])


def anchor_to_keyframes(predicted: npt.ArrayLike, keyframes: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Predicted face parameters [T, 12] pinned to the keyframes: the keyframes' pose, and their expression
    plus the prediction's own motion between them. Without keyframes the prediction is returned as it is."""
    prediction = np.asarray(predicted, dtype=np.float64)
    if prediction.ndim != 2 or prediction.shape[1] != FACE_PARAMS:
        raise ValueError(f"need face parameters [T, {FACE_PARAMS}], got {prediction.shape}")
    rows = _checked(keyframes, len(prediction))
    if len(rows) == 0:
        return prediction.astype(np.float32)
    slow = interpolate_keyframes(rows, len(prediction))
    frames = rows[:, 0].astype(np.int64)
    own_slow = interpolate_keyframes(np.column_stack([frames, prediction[frames]]), len(prediction))
    out = slow.copy()
    out[:, :N_COEFFICIENTS] += prediction[:, :N_COEFFICIENTS] - own_slow[:, :N_COEFFICIENTS]
    return out.astype(np.float32)


def keyframe_problem(keyframes: npt.NDArray[np.float32], n_frames: int) -> str:
    """Why rows [K, 13] are not keyframes of an ``n_frames`` clip, or "" when they are."""
    if keyframes.ndim != 2 or keyframes.shape[1] != KEYFRAME_COLUMNS:
        return f"keyframes must be rows of {KEYFRAME_COLUMNS} values, got shape {keyframes.shape}"
    if not np.all(np.isfinite(keyframes)):
        return "keyframes hold NaN or inf"
    frames = keyframes[:, 0]
    if np.any(frames != np.round(frames)) or np.any(frames < 0) or np.any(frames >= n_frames):
        return f"keyframe frames must be whole numbers in 0..{n_frames - 1}"
    if np.any(np.diff(frames) <= 0):
        return "keyframe frames must be strictly increasing"
    return ""


def _checked(keyframes: npt.ArrayLike, n_frames: int) -> npt.NDArray[np.float64]:
    rows = np.asarray(keyframes, dtype=np.float32)
    if rows.size == 0:
        return np.zeros((0, KEYFRAME_COLUMNS))
    problem = keyframe_problem(rows, n_frames)
    if problem:
        raise ValueError(problem)
    return rows.astype(np.float64)

"""Average keypoint distance (AKD) between a reference clip and its reconstruction, on dlib's 68 points.

Definition, as in the evaluation of the First Order Motion Model (Siarohin et al., NeurIPS 2019; code
AliaksandrSiarohin/pose-evaluation, ``extract.py`` + ``cmp_kp.py``): the landmarks are detected independently
on the reference frame and on the output frame; a frame's score is the mean ABSOLUTE COORDINATE difference,
``mean(|ref - out|)`` over all points and over x and y alike; the clip's AKD is the mean of the frame scores.
cmp_kp.py drops frames where the generated frame has no detection; here frames where either side has none
are dropped and counted (``n_missing``). This is not the mean Euclidean distance per point: a pure horizontal
shift of d pixels reads d/2, a diagonal shift (d, d) reads d. FOMM resizes frames to 256x256 before
detection, so AKD is quoted in pixels of the 256x256 face crop (``evaluate`` crops; here frames are taken
as given). FOMM used face-alignment's FAN; this project uses dlib's iBUG-300W predictor (same 68-point
scheme), whose noise floor is ~0.4-0.5 px on consecutive GRID frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..vision.dlib_face import landmarks68
from .face_detection import find_face
from .frames import as_frames

N_POINTS = 68
ALL_POINTS = slice(0, 68)
MOUTH_POINTS = slice(48, 68)  # outer lip 48-59, inner lip 60-67

Points = slice | Sequence[int]


@dataclass(frozen=True)
class AkdResult:
    """AKD in pixels over the frames where both faces were found."""

    mean: float  # NaN when no frame has both faces
    per_frame: npt.NDArray[np.float64]  # [T], NaN where either face is missing
    n_missing: int  # frames left out because either detection failed

    @property
    def n_frames(self) -> int:
        return int(self.per_frame.size)


def frame_landmarks(frames: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """68 (x, y) points per frame [T, 68, 2] in pixels of ``frames``; NaN rows where no face is found.

    The face is detected anew in every frame (no box carried from the reference or from the previous frame),
    so a reconstruction is measured by what a detector sees in it, as FOMM's evaluation does.
    """
    stack = as_frames(frames)
    points = np.full((stack.shape[0], N_POINTS, 2), np.nan, dtype=np.float32)
    for t, image in enumerate(stack):
        box = find_face(image)
        if box is not None:
            points[t] = landmarks68(image, box)
    return points


def akd(ref_landmarks: npt.ArrayLike, out_landmarks: npt.ArrayLike, points: Points = ALL_POINTS) -> AkdResult:
    """AKD between two landmark tracks [T, 68, 2] (FOMM's mean absolute coordinate error, see module doc).

    ``points`` selects the landmarks compared, e.g. ``MOUTH_POINTS`` for mouth AKD.
    """
    ref = _as_track(ref_landmarks, "ref_landmarks")
    out = _as_track(out_landmarks, "out_landmarks")
    if ref.shape != out.shape:
        raise ValueError(f"landmark tracks differ in shape: {ref.shape} vs {out.shape}")
    error = np.abs(ref[:, points] - out[:, points])
    found = ~np.isnan(error).any(axis=(1, 2))
    per_frame = np.full(ref.shape[0], np.nan)
    per_frame[found] = error[found].mean(axis=(1, 2))
    mean = float(per_frame[found].mean()) if found.any() else float("nan")
    return AkdResult(mean, per_frame, int((~found).sum()))


def _as_track(landmarks: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    track = np.asarray(landmarks, dtype=np.float64)
    if track.ndim != 3 or track.shape[1:] != (N_POINTS, 2):
        raise ValueError(f"{name} must have shape [T, {N_POINTS}, 2], got {track.shape}")
    return track

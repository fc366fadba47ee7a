"""How a baseline's video compares with the original crops: dlib 68-point AKD (effect.akd), the share of
frames where no face is found any more, and PSNR; the frozen baseline (frame 0 held) beside."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..effect.akd import akd, frame_landmarks
from ..effect.image_quality import psnr


@dataclass(frozen=True)
class VideoScores:
    akd_px: float  # over frames where both faces are found; NaN if none
    face_lost_share: float  # frames whose output shows no face that dlib finds (the original has one)
    psnr_db: float

    def line(self) -> str:
        lost = 100 * self.face_lost_share
        return f"AKD {self.akd_px:.2f} px, face lost {lost:.0f}%, PSNR {self.psnr_db:.2f} dB"


def video_scores(
    original: npt.NDArray[np.uint8],
    output: npt.NDArray[np.uint8],
    original_landmarks: npt.ArrayLike | None = None,
) -> VideoScores:
    """``original_landmarks``: dlib's points on the original frames, when already computed."""
    ref = frame_landmarks(original) if original_landmarks is None else np.asarray(original_landmarks)
    out = frame_landmarks(output)
    has_face = ~np.isnan(ref).any(axis=(1, 2))
    lost = has_face & np.isnan(out).any(axis=(1, 2))
    share = float(lost.sum() / has_face.sum()) if has_face.any() else float("nan")
    return VideoScores(akd(ref, out).mean, share, psnr(original, output).mean)


def frozen(frames: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The frozen baseline: the reference frame (frame 0) shown for the whole clip."""
    return np.repeat(frames[:1], len(frames), axis=0)

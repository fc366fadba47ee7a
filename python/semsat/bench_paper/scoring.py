"""AKD, PSNR and CSIM of a received clip against the original 256x256 crops, on a subsample of frames
(every ``AKD_STEP``-th for AKD and PSNR, every ``CSIM_STEP``-th for CSIM): dlib's detector and descriptor
cost 50-300 ms per frame, and the means over a regular subsample estimate the clip's means. The original's
landmarks and descriptors are computed once per clip; the frozen baseline (frame 0 held) is scored beside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..effect.akd import akd, frame_landmarks
from ..effect.identity import clip_embeddings, identity_scores
from ..effect.image_quality import psnr

AKD_STEP = 3
CSIM_STEP = 25


@dataclass(frozen=True)
class Scores:
    akd_px: float  # mean over scored frames where both faces are found; NaN if none
    face_lost: float  # share of scored frames whose output shows no face (the original has one)
    psnr_db: float
    csim: float  # NaN when no scored frame has a face on both sides


class Reference:
    """The original crops of one clip, with what every score against them needs."""

    def __init__(self, crops: npt.NDArray[np.uint8]) -> None:
        self.crops = crops
        self.akd_frames = np.arange(0, len(crops), AKD_STEP)
        self.csim_frames = np.arange(0, len(crops), CSIM_STEP)
        self.landmarks = frame_landmarks(crops[self.akd_frames])
        self.embeddings = clip_embeddings(crops, self.csim_frames)
        self.frozen = self.score(np.repeat(crops[:1], len(crops), axis=0))

    def _check(self, frames: npt.NDArray[np.uint8]) -> None:
        if len(frames) != len(self.crops):
            raise ValueError(f"received {len(frames)} frames for a clip of {len(self.crops)}")

    def akd_px(self, frames: npt.NDArray[np.uint8]) -> float:
        self._check(frames)
        return akd(self.landmarks, frame_landmarks(frames[self.akd_frames])).mean

    def score(self, frames: npt.NDArray[np.uint8]) -> Scores:
        self._check(frames)
        out = frame_landmarks(frames[self.akd_frames])
        has_face = ~np.isnan(self.landmarks).any(axis=(1, 2))
        lost = has_face & np.isnan(out).any(axis=(1, 2))
        identity = identity_scores(
            self.embeddings, clip_embeddings(frames, self.csim_frames), self.csim_frames
        )
        return Scores(
            akd(self.landmarks, out).mean,
            float(lost.sum() / has_face.sum()) if has_face.any() else math.nan,
            psnr(self.crops[self.akd_frames], frames[self.akd_frames]).mean,
            float(identity.csim),
        )

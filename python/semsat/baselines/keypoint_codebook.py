"""SVC's keypoint code: the motion of dlib's 68 landmarks from the reference frame (frame t minus frame 0,
136 values per frame, crop pixels) in a PCA basis learned from training clips, each component scaled to unit
variance so that a pair of them makes a complex channel symbol of unit average power.

Motion rather than positions: the receiver has the reference frame and its landmarks (the KB's), so only how
the face moved has to travel; positions would spend the first components on the speakers' face shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

N_POINTS = 68
MAX_COMPONENTS = 64


def motion(landmarks: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """[T, 136]: each frame's landmarks [T, 68, 2] minus frame 0's."""
    track = np.asarray(landmarks, np.float64)
    if track.ndim != 3 or track.shape[1:] != (N_POINTS, 2) or len(track) == 0:
        raise ValueError(f"need landmarks [T, {N_POINTS}, 2], got {track.shape}")
    if not np.isfinite(track).all():
        raise ValueError("landmarks must be finite (interpolate frames without a face first)")
    return (track - track[:1]).reshape(len(track), -1)


@dataclass(frozen=True)
class KeypointCodebook:
    mean: npt.NDArray[np.float64]  # [136]
    basis: npt.NDArray[np.float64]  # [136, K] orthonormal columns, by falling variance
    scale: npt.NDArray[np.float64]  # [K] standard deviation of each component on the training clips

    @classmethod
    def fit(cls, tracks: Sequence[npt.ArrayLike], components: int = MAX_COMPONENTS) -> KeypointCodebook:
        data = np.concatenate([motion(t) for t in tracks])
        mean = data.mean(axis=0)
        _, singular, vt = np.linalg.svd(data - mean, full_matrices=False)
        k = min(components, len(singular))
        scale = singular[:k] / np.sqrt(len(data))
        if not (scale > 0).all():
            raise ValueError(f"the training tracks span fewer than {k} dimensions")
        return cls(mean, vt[:k].T, scale)

    @property
    def components(self) -> int:
        return int(self.scale.size)

    def encode(self, landmarks: npt.ArrayLike, k: int) -> npt.NDArray[np.float64]:
        """Unit-variance coefficients [T, k] of the track's motion."""
        self._check(k)
        return (motion(landmarks) - self.mean) @ self.basis[:, :k] / self.scale[:k]

    def decode(self, coefficients: npt.ArrayLike, reference: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Landmarks [T, 68, 2]: ``reference`` [68, 2] moved by the motion the coefficients [T, k] code."""
        c = np.asarray(coefficients, np.float64)
        self._check(c.shape[1])
        moved = self.mean + (c * self.scale[: c.shape[1]]) @ self.basis[:, : c.shape[1]].T
        return np.asarray(reference, np.float64)[None] + moved.reshape(len(c), N_POINTS, 2)

    def _check(self, k: int) -> None:
        if not 1 <= k <= self.components:
            raise ValueError(f"the codebook has {self.components} components, asked for {k}")

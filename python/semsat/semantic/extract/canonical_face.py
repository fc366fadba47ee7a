"""A mirror-symmetric canonical face for head pose, learned from meshes (mediapipe's canonical_face_model.obj
is not in the wheel).

Learning: a weighted generalised Procrustes mean of all frames; the weights are refit from the data so that
points that move within a clip (lips, jaw, eyelids) count little and the rigid ones (nose bridge, eye
corners, face contour at the temples) count most. Then the mean is oriented (eyes along x, chin→forehead
along y), its left/right landmark correspondence found by mirroring it and matching nearest neighbours
one-to-one, and it is made exactly symmetric about the x = 0 plane, so a mirrored face reads mirrored yaw
and roll. Pitch 0 is where the forehead (landmark 10) and the chin (152) are at the same depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares, linear_sum_assignment
from scipy.spatial.transform import Rotation

from .head_pose import fit_head_pose, rotation_matrix

# mediapipe mesh indices used to orient the mean shape.
RIGHT_EYE_OUTER = 33  # the person's right eye: on the image's left
LEFT_EYE_OUTER = 263
FOREHEAD = 10
CHIN = 152
MIRROR = np.array([-1.0, 1.0, 1.0])


@dataclass
class CanonicalFace:
    """Shape [468, 3] in the camera frame's units (crop widths, see head_pose.py), centred and symmetric about
    x = 0; ``mirror_index[i]`` is the point that mirrors point i; ``weights`` [468] (mean 1) for the fit."""

    shape: npt.NDArray[np.float64]
    mirror_index: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]


def mirror_points(points: npt.ArrayLike, mirror_index: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The landmarks [..., N, 3] (camera frame, origin on the vertical axis of the flip) of the left-right
    mirrored face: point i of the mirror is point mirror_index[i] of the original with x negated."""
    return np.asarray(points, dtype=np.float64)[..., np.asarray(mirror_index), :] * MIRROR


def learn_canonical_face(clips: list[npt.NDArray[np.floating]], iterations: int = 4) -> CanonicalFace:
    """Canonical face from the meshes of several clips, each [T, 468, 3] in the camera frame (found frames
    only). Within-clip motion sets the weights: several clips of a few seconds each are enough."""
    shapes = [np.asarray(c, dtype=np.float64) for c in clips if len(c)]
    if not shapes or not all(np.isfinite(s).all() for s in shapes):
        raise ValueError("need at least one clip of finite landmarks to learn a canonical face")
    n_points = shapes[0].shape[1]
    weights = np.ones(n_points)
    mean = _normalized(shapes[0][0])
    for _ in range(iterations):
        for _ in range(3):
            aligned = [_align_all(s, mean, weights) for s in shapes]
            mean = _normalized(np.concatenate(aligned).mean(axis=0))
        weights = _rigidity_weights(aligned)
    oriented = _oriented(mean)
    mirror_index = _mirror_correspondence(oriented)
    oriented = _symmetry_aligned(oriented, mirror_index)
    mirror_index = _mirror_correspondence(oriented)
    symmetric = (oriented + mirror_points(oriented, mirror_index)) / 2
    symmetric = _level_pitch(symmetric)
    symmetric -= symmetric.mean(axis=0)
    # Scale: a typical face as it sits in the crop, so ln(scale) of a pose fit is ~0.
    typical_size = np.median([_size(frame) for s in shapes for frame in s])
    weights = (weights + weights[mirror_index]) / 2
    return CanonicalFace(symmetric * typical_size / _size(symmetric), mirror_index, weights / weights.mean())


def _size(points: npt.NDArray[np.float64]) -> float:
    return float(np.sqrt(((points - points.mean(axis=0)) ** 2).sum(axis=1).mean()))


def _normalized(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    centred = points - points.mean(axis=0)
    return centred / _size(centred)


def _align_all(
    frames: npt.NDArray[np.float64], mean: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return np.stack([fit_head_pose(frame, mean, weights).to_canonical(frame) for frame in frames])


def _rigidity_weights(aligned: list[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    """1 / (motion + median motion): a point's variance within its clip, averaged over clips. The floor keeps
    the steadiest points from dominating (they get at most twice a typical point's weight)."""
    motion = np.mean(
        [a.var(axis=0).sum(axis=1) for a in aligned if len(a) > 1] or [np.ones(aligned[0].shape[1])], axis=0
    )
    weights = 1.0 / (motion + np.median(motion))
    return weights / weights.mean()


def _oriented(shape: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    x_axis = shape[LEFT_EYE_OUTER] - shape[RIGHT_EYE_OUTER]
    x_axis /= np.linalg.norm(x_axis)
    y_axis = shape[FOREHEAD] - shape[CHIN]
    y_axis -= (y_axis @ x_axis) * x_axis
    y_axis /= np.linalg.norm(y_axis)
    axes = np.stack([x_axis, y_axis, np.cross(x_axis, y_axis)])
    centred = shape - shape.mean(axis=0)
    return centred @ axes.T


def _mirror_correspondence(shape: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """One-to-one nearest-neighbour matching of the mirrored shape onto the shape itself."""
    mirrored = shape * MIRROR
    cost = np.linalg.norm(mirrored[:, None, :] - shape[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    index = np.empty(len(shape), dtype=np.int64)
    index[rows] = cols
    if not np.array_equal(index[index], np.arange(len(shape))):
        raise ValueError(
            "the mirror correspondence of the mean face is not symmetric: too few or too odd data"
        )
    return index


def _symmetry_aligned(
    shape: npt.NDArray[np.float64], mirror_index: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The shape rotated and shifted sideways so that it best matches its own mirror image."""

    def asymmetry(params: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        moved = _moved(shape, params)
        return (moved - mirror_points(moved, mirror_index)).ravel()

    best = least_squares(asymmetry, np.zeros(4)).x
    return _moved(shape, best)


def _moved(shape: npt.NDArray[np.float64], params: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return shape @ Rotation.from_rotvec(params[:3]).as_matrix().T + np.array([params[3], 0.0, 0.0])


def _level_pitch(shape: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Rotated about x (which keeps the symmetry) so the forehead and the chin have the same depth."""
    chin_to_forehead = shape[FOREHEAD] - shape[CHIN]
    # The rotation about x by θ changes the vector's (y, z) angle; this θ brings its z to zero.
    theta = -np.arctan2(chin_to_forehead[2], chin_to_forehead[1])
    return shape @ rotation_matrix(theta, 0.0, 0.0).T

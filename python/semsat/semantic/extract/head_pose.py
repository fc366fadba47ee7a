"""Head pose from the 468 mesh points: a weighted similarity Procrustes fit to a canonical face.

Coordinates ("camera frame"): x to the image's right, y up, z towards the camera (right-handed), in units of
the crop's width, origin at the crop's centre. The fit gives ``points ≈ scale · R · canonical + offset``.

Angles (radians), with R = Rz(roll) · Ry(yaw) · Rx(pitch), all positive counter-clockwise about their axis:
- roll: in-plane rotation; +10° is the head (or the image) turned 10° counter-clockwise as seen on screen.
- yaw: +: the face turns towards the image's right side (the person's left).
- pitch: +: the face turns down (chin towards the chest).
A mirrored image (left-right flip) reads the same pitch and the opposite yaw and roll, because the canonical
face is mirror-symmetric (canonical_face.py). Rotating the image in-plane adds to roll only.

Translation (3 values): x and y of the canonical face's centre relative to the crop's centre, in crop widths,
x right and y DOWN (image convention, so it adds to pixel coordinates after multiplying by the crop size),
and ln(scale): 0 for a face of the canonical's size (a typical face in a 256x256 crop), positive = bigger /
nearer the camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class HeadPose:
    rotation: npt.NDArray[np.float64]  # [3, 3], canonical → camera frame
    scale: float
    offset: npt.NDArray[np.float64]  # [3], camera frame

    @property
    def angles(self) -> npt.NDArray[np.float64]:
        """(pitch, yaw, roll) in radians."""
        return rotation_angles(self.rotation)

    @property
    def translation(self) -> npt.NDArray[np.float64]:
        """(x right, y down, ln scale): see the module's docstring."""
        return np.array([self.offset[0], -self.offset[1], np.log(self.scale)])

    @classmethod
    def from_parameters(cls, angles: npt.ArrayLike, translation: npt.ArrayLike) -> HeadPose:
        """The pose that face parameters 6:12 describe ((pitch, yaw, roll), translation), e.g. to pose a
        reconstructed expression: ``camera_to_crop(pose.from_canonical(model.reconstruct(c)), 256)``. The
        depth offset is not among the parameters (it does not move the points in the image): it is 0."""
        x, y_down, log_scale = np.asarray(translation, dtype=np.float64)
        return cls(
            rotation_matrix(*np.asarray(angles, dtype=np.float64)),
            float(np.exp(log_scale)),
            np.array([x, -y_down, 0.0]),
        )

    def to_canonical(self, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Camera-frame points [N, 3] with the head's rotation, scale and position removed."""
        return (np.asarray(points, dtype=np.float64) - self.offset) @ self.rotation / self.scale

    def from_canonical(self, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Canonical-frame points [N, 3] posed like the head, in the camera frame."""
        return self.scale * np.asarray(points, dtype=np.float64) @ self.rotation.T + self.offset


def crop_to_camera(points: npt.ArrayLike, crop_size: float) -> npt.NDArray[np.float64]:
    """Mesh points [N, 3] in crop pixels (x right, y down, z = mediapipe depth, nearer = smaller) → camera
    frame (x right, y up, z towards the camera, crop widths from the crop's centre)."""
    points = np.asarray(points, dtype=np.float64)
    centre = crop_size / 2
    return np.stack(
        [(points[..., 0] - centre), -(points[..., 1] - centre), -points[..., 2]], axis=-1
    ) / float(crop_size)


def camera_to_crop(points: npt.ArrayLike, crop_size: float) -> npt.NDArray[np.float64]:
    """Inverse of :func:`crop_to_camera`."""
    points = np.asarray(points, dtype=np.float64) * float(crop_size)
    centre = crop_size / 2
    return np.stack([points[..., 0] + centre, -points[..., 1] + centre, -points[..., 2]], axis=-1)


def fit_head_pose(
    points: npt.ArrayLike, canonical: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> HeadPose:
    """Weighted least-squares similarity transform (Umeyama) taking ``canonical`` [N, 3] onto ``points``
    [N, 3] (camera frame); ``weights`` [N] favour the points that do not move with expression."""
    target = np.asarray(points, dtype=np.float64)
    source = np.asarray(canonical, dtype=np.float64)
    w = np.ones(len(source)) if weights is None else np.asarray(weights, dtype=np.float64)
    if target.shape != source.shape or target.ndim != 2 or target.shape[1] != 3 or w.shape != (len(source),):
        raise ValueError(
            f"need points and canonical [N, 3] and weights [N], got {target.shape}, {source.shape}, {w.shape}"
        )
    if not np.isfinite(target).all():
        raise ValueError("points contain NaN or infinity")
    w = w / w.sum()
    target_mean, source_mean = w @ target, w @ source
    target_c, source_c = target - target_mean, source - source_mean
    covariance = (target_c * w[:, None]).T @ source_c
    u, singular, vt = np.linalg.svd(covariance)
    # Keep a proper rotation: a reflection would fit a mirrored face.
    d = np.ones(3)
    d[2] = np.sign(np.linalg.det(u @ vt)) or 1.0
    rotation = (u * d) @ vt
    scale = float((singular * d).sum() / (w @ (source_c**2).sum(axis=1)))
    offset = target_mean - scale * rotation @ source_mean
    return HeadPose(rotation, scale, offset)


def rotation_angles(rotation: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """(pitch, yaw, roll) of R = Rz(roll) · Ry(yaw) · Rx(pitch)."""
    r = np.asarray(rotation, dtype=np.float64)
    pitch = np.arctan2(r[2, 1], r[2, 2])
    yaw = np.arctan2(-r[2, 0], np.hypot(r[0, 0], r[1, 0]))
    roll = np.arctan2(r[1, 0], r[0, 0])
    return np.array([pitch, yaw, roll])


def rotation_matrix(pitch: float, yaw: float, roll: float) -> npt.NDArray[np.float64]:
    """R = Rz(roll) · Ry(yaw) · Rx(pitch), the inverse of :func:`rotation_angles`."""
    cp, sp, cy, sy, cr, sr = (
        np.cos(pitch),
        np.sin(pitch),
        np.cos(yaw),
        np.sin(yaw),
        np.cos(roll),
        np.sin(roll),
    )
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return rz @ ry @ rx

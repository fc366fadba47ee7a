"""Face semantics of a clip: 12 parameters per frame (6 expression, 3 rotation, 3 translation), dlib's 68
landmarks and mediapipe's 468-point mesh in the 256x256 face crop, confidence, crop boxes and identity.

Pipeline (face_track.py): mesh on the full frames → stable crop boxes → crops → mesh on the crops; then per
frame a head-pose fit (head_pose.py; angle and translation conventions are documented there), expression
coefficients (expression_model.py; coefficient 0 = mouth opening) and dlib's 68 points, with dlib's box
derived from the mesh (its HOG detector would cost ~20-100 ms a frame). Frames without a face are flagged
and their values interpolated from the neighbouring frames (the nearest one at the ends of the clip).

To compare another video with these semantics (e.g. a reconstruction), crop it with the same boxes:
``gnuradio.semsat.media.face_crop.crop_clip(clip, semantics.crop_boxes)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ...media.clip import Clip
from ...vision import dlib_face
from .expression_model import ExpressionModel
from .face_track import FaceTrack, NoFaceError, track_face
from .head_pose import crop_to_camera, fit_head_pose

__all__ = ["FaceSemantics", "NoFaceError", "dlib_box", "extract_face"]

N_FACE_PARAMS = 12
# dlib's 68-point predictor wants the box its HOG detector would give. Measured against that detector on
# 494 crops of the 10 development clips: a square of 3.22 RMS radii of the mesh, centred 0.12 RMS radii
# above the mesh's centroid (left-right offset ~0, set to 0 for symmetry). dlib's points from this box and
# from the detector's differ by 0.5-0.9 px (mean) on GRID, 0.9-1.8 px on VoxCeleb2.
DLIB_BOX_SIDE_PER_RMS_RADIUS = 3.22
DLIB_BOX_RAISE_PER_RMS_RADIUS = 0.12
IDENTITY_FRAMES = 3


@dataclass
class FaceSemantics:
    fps: float
    face_params: npt.NDArray[np.float32]  # [T, 12]: 0:6 expression, 6:9 pitch/yaw/roll rad, 9:12 translation
    landmarks68: npt.NDArray[np.float32]  # [T, 68, 2] dlib points, pixels of the crop
    mesh468: npt.NDArray[np.float32]  # [T, 468, 3] mediapipe points, pixels of the crop (z: same scale)
    confidence: npt.NDArray[np.float32]  # [T] face detector score in the crop, 0 where no face was found
    face_found: npt.NDArray[np.bool_]  # [T]; the other arrays are interpolated where False
    crop_boxes: npt.NDArray[np.float32]  # [T, 4] x0, y0, x1, y1 in source pixels
    identity: npt.NDArray[np.float32]  # [128] dlib embedding, mean over a few well-detected frames

    @property
    def n_frames(self) -> int:
        return int(self.face_params.shape[0])


def extract_face(
    clip: Clip,
    expression_model: ExpressionModel | None = None,
    progress: Callable[[int], None] | None = None,
) -> FaceSemantics:
    """Face semantics of every frame of ``clip`` (default model: the installed models/expression_pca.npz).

    ``progress(n)`` reports n more frames done; the increments add up to ``clip.n_frames``. Raises
    NoFaceError (a ValueError) naming the clip when no frame shows a face.
    """
    model = expression_model or ExpressionModel.load()
    track = track_face(clip, progress)
    crop_size = track.crops.shape[1]
    params = np.full((clip.n_frames, N_FACE_PARAMS), np.nan)
    landmarks68 = np.full((clip.n_frames, 68, 2), np.nan)
    for i in np.flatnonzero(track.found):
        camera = crop_to_camera(track.mesh[i], crop_size)
        pose = fit_head_pose(camera, model.mean_shape, model.canonical.weights)
        expression = model.coefficients(pose.to_canonical(camera))
        params[i] = np.concatenate([expression, pose.angles, pose.translation])
        landmarks68[i] = dlib_face.landmarks68(track.crops[i], dlib_box(track.mesh[i]))
    return FaceSemantics(
        fps=clip.fps,
        face_params=_filled(params, track.found),
        landmarks68=_filled(landmarks68, track.found),
        mesh468=_filled(track.mesh, track.found),
        confidence=np.where(track.found, track.confidence, 0).astype(np.float32),
        face_found=track.found.copy(),
        crop_boxes=track.crop_boxes.astype(np.float32),
        identity=_identity(track),
    )


def dlib_box(mesh: npt.ArrayLike) -> dlib_face.Box:
    """The box (left, top, right, bottom) for dlib's 68-point predictor from a 468-point mesh [468, 2+]."""
    xy = np.asarray(mesh, dtype=np.float64)[:, :2]
    centre = xy.mean(axis=0)
    rms_radius = np.sqrt(((xy - centre) ** 2).sum(axis=1).mean())
    half = DLIB_BOX_SIDE_PER_RMS_RADIUS * rms_radius / 2
    cx, cy = centre[0], centre[1] - DLIB_BOX_RAISE_PER_RMS_RADIUS * rms_radius
    left, top, right, bottom = (int(round(v)) for v in (cx - half, cy - half, cx + half, cy + half))
    return left, top, right, bottom


def _filled(values: npt.ArrayLike, found: npt.NDArray[np.bool_]) -> npt.NDArray[np.float32]:
    """Per-frame values [T, ...] with the frames not found linearly interpolated (nearest at the ends)."""
    values = np.asarray(values, dtype=np.float64)
    flat = values.reshape(len(values), -1).copy()
    frames = np.arange(len(values))
    missing = ~found
    if missing.any():
        for column in range(flat.shape[1]):
            flat[missing, column] = np.interp(frames[missing], frames[found], flat[found, column])
    return flat.reshape(values.shape).astype(np.float32)


def _identity(track: FaceTrack) -> npt.NDArray[np.float32]:
    """dlib's embedding averaged over the best-detected frame of each third of the clip."""
    found = np.flatnonzero(track.found)
    picks = [
        part[np.argmax(track.confidence[part])]
        for part in np.array_split(found, IDENTITY_FRAMES)
        if len(part)
    ]
    embeddings = [dlib_face.identity_embedding(track.crops[i], dlib_box(track.mesh[i])) for i in picks]
    return np.mean(embeddings, axis=0).astype(np.float32)

"""The video renderer: a knowledge-base reference frame warped to target meshes, with a real mouth interior.

Piecewise-affine warp over mediapipe's face tessellation plus background anchors (mesh_topology.py): the
crop's border stays fixed, two rings around the face follow the head's 2-D similarity motion, so hair and
background move smoothly and every pixel is written. Face triangles are drawn back to front (mediapipe
depth), so a turned head's far side is hidden behind its near side instead of smeared over it. Per frame:
one triangle-id raster, one affine per triangle, one ``cv2.remap`` (render_warp.py); then the mouth
interior from an open-mouth frame (mouth.py) and closed eyelids from a closed-eye frame by the frame's eye
closure (eyes.py), when those frames are given. A frame's ``texture_offset`` (texture_fit.py) moves the
points where the reference is sampled off the reference mesh, to where its texture actually lies.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .eyes import EyeFiller
from .mesh_topology import (
    BORDER_POINTS_PER_SIDE,
    DEFAULT_HAIR_FOLLOW,
    N_MESH,
    anchor_follow,
    background_triangles,
    face_triangles,
    ring_points,
)
from .mouth import MouthFiller
from .render_warp import border_points, invert_affine, similarity_2d, warp_maps

OpenMouth = tuple[npt.NDArray[np.uint8], npt.ArrayLike]
ClosedEyes = tuple[npt.NDArray[np.uint8], npt.ArrayLike]


class Renderer:
    """Renders frames of one reference frame (uint8 [S, S, 3]) and its mesh [468, 3] (crop pixels);
    ``open_mouth`` and ``closed_eyes`` are (frame, mesh) of the same speaker, ``hair_follow`` the share of
    the head's motion the hair above it follows (mesh_topology.py)."""

    def __init__(
        self,
        reference_frame: npt.NDArray[np.uint8],
        reference_mesh: npt.ArrayLike,
        open_mouth: OpenMouth | None = None,
        closed_eyes: ClosedEyes | None = None,
        hair_follow: float = DEFAULT_HAIR_FOLLOW,
    ) -> None:
        frame = np.asarray(reference_frame)
        mesh = np.asarray(reference_mesh, dtype=np.float64)
        if frame.ndim != 3 or frame.shape[0] != frame.shape[1] or frame.dtype != np.uint8:
            raise ValueError(
                f"need a square uint8 reference frame [S, S, 3], got {frame.shape} {frame.dtype}"
            )
        if mesh.shape != (N_MESH, 3) or not np.isfinite(mesh).all():
            raise ValueError(f"need a finite reference mesh [{N_MESH}, 3], got {mesh.shape}")
        self._frame = np.ascontiguousarray(frame)
        self._size = frame.shape[0]
        self._reference = mesh[:, :2]
        self._anchors = np.concatenate([ring_points(mesh), border_points(self._size, BORDER_POINTS_PER_SIDE)])
        if not 0.0 <= hair_follow <= 1.0:
            raise ValueError(f"hair_follow must lie in [0, 1], got {hair_follow}")
        self._follow = anchor_follow(hair_follow)
        self._background = background_triangles(mesh, self._anchors)
        self._face = face_triangles()
        self._mouth = MouthFiller(*open_mouth) if open_mouth is not None else None
        self._eyes = EyeFiller(*closed_eyes) if closed_eyes is not None else None

    @property
    def reference_points(self) -> npt.NDArray[np.float64]:
        """The reference mesh's points [468, 2] in the reference frame (crop pixels)."""
        return self._reference

    def render(
        self,
        target_mesh: npt.ArrayLike,
        eye_closure: float = 0.0,
        texture_offset: npt.ArrayLike | None = None,
    ) -> npt.NDArray[np.uint8]:
        """One frame [S, S, 3] showing the reference posed and shaped like ``target_mesh`` [468, 3], its eyes
        ``eye_closure`` (0 open as the reference's, 1 as the closed-eye frame's) closed, its texture sampled
        at the reference points plus ``texture_offset`` [468, 2] (None: at the reference points)."""
        mesh = np.asarray(target_mesh, dtype=np.float64)
        if mesh.shape != (N_MESH, 3) or not np.isfinite(mesh).all():
            raise ValueError(f"need a finite target mesh [{N_MESH}, 3], got {mesh.shape}")
        reference = self._reference
        if texture_offset is not None:
            offset = np.asarray(texture_offset, dtype=np.float64)
            if offset.shape != (N_MESH, 2) or not np.isfinite(offset).all():
                raise ValueError(f"need a finite texture offset [{N_MESH}, 2], got {offset.shape}")
            reference = reference + offset
        motion = similarity_2d(reference, mesh[:, :2])
        moved = self._anchors @ motion[:, :2].T + motion[:, 2]
        anchors = self._anchors + self._follow[:, None] * (moved - self._anchors)
        target = np.concatenate([mesh[:, :2], anchors])
        depth = mesh[self._face, 2].mean(axis=1)
        triangles = np.concatenate([self._background, self._face[np.argsort(-depth, kind="stable")]])
        map_x, map_y = warp_maps(
            target,
            np.concatenate([reference, self._anchors]),
            triangles,
            (self._size, self._size),
            invert_affine(motion),
        )
        image = cv2.remap(self._frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if self._mouth is not None:
            self._mouth.fill(image, mesh)
        if self._eyes is not None:
            self._eyes.fill(image, mesh, eye_closure)
        return image


def render_frames(
    reference_frame: npt.NDArray[np.uint8],
    reference_mesh: npt.ArrayLike,
    target_meshes: npt.ArrayLike,
    open_mouth: OpenMouth | None = None,
    closed_eyes: ClosedEyes | None = None,
    eye_closures: npt.ArrayLike | None = None,
    hair_follow: float = DEFAULT_HAIR_FOLLOW,
    texture_offsets: npt.ArrayLike | None = None,
) -> npt.NDArray[np.uint8]:
    """Frames uint8 [T, S, S, 3] of the reference warped to each target mesh [T, 468, 3], its texture
    sampled at the reference points plus ``texture_offsets`` [T, 468, 2] when given;
    ``open_mouth`` = (frame, mesh) of the same speaker with the mouth open fills the mouth interior,
    ``closed_eyes`` = (frame, mesh) with the eyes closed blends in by ``eye_closures`` [T] (Renderer)."""
    renderer = Renderer(reference_frame, reference_mesh, open_mouth, closed_eyes, hair_follow)
    meshes = np.asarray(target_meshes, dtype=np.float64)
    if meshes.ndim != 3:
        raise ValueError(f"need target meshes [T, {N_MESH}, 3], got {meshes.shape}")
    closures = np.zeros(len(meshes)) if eye_closures is None else np.asarray(eye_closures, dtype=np.float64)
    if closures.shape != (len(meshes),):
        raise ValueError(f"need one eye closure per target mesh, got {closures.shape} for {len(meshes)}")
    offsets = [None] * len(meshes) if texture_offsets is None else np.asarray(texture_offsets, np.float64)
    if len(offsets) != len(meshes):
        raise ValueError(f"need one texture offset per target mesh, got {len(offsets)} for {len(meshes)}")
    return (
        np.stack([renderer.render(*frame) for frame in zip(meshes, closures, offsets, strict=True)])
        if len(meshes)
        else np.zeros((0, *reference_frame.shape), np.uint8)
    )

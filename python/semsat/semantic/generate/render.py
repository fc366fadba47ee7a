"""The video renderer: a knowledge-base reference frame warped to target meshes, with a real mouth interior.

Piecewise-affine warp over mediapipe's face tessellation plus background anchors (mesh_topology.py): the
crop's border stays fixed, two rings around the face follow the head's 2-D similarity motion, so hair and
background move smoothly and every pixel is written. Face triangles are drawn back to front (mediapipe
depth), so a turned head's far side is hidden behind its near side instead of smeared over it. Per frame:
one triangle-id raster, one affine per triangle, one ``cv2.remap`` (render_warp.py); then the mouth
interior from an open-mouth frame (mouth.py), when one is given.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .mesh_topology import (
    N_MESH,
    anchor_follow,
    background_triangles,
    border_points,
    face_triangles,
    ring_points,
)
from .mouth import MouthFiller
from .render_warp import invert_affine, similarity_2d, warp_maps

OpenMouth = tuple[npt.NDArray[np.uint8], npt.ArrayLike]


class Renderer:
    """Renders frames of one reference frame (uint8 [S, S, 3]) and its mesh [468, 3] (crop pixels)."""

    def __init__(
        self,
        reference_frame: npt.NDArray[np.uint8],
        reference_mesh: npt.ArrayLike,
        open_mouth: OpenMouth | None = None,
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
        self._anchors = np.concatenate([ring_points(mesh), border_points(self._size)])
        self._follow = anchor_follow()
        self._source = np.concatenate([self._reference, self._anchors])
        self._background = background_triangles(mesh, self._anchors)
        self._face = face_triangles()
        self._mouth = MouthFiller(*open_mouth) if open_mouth is not None else None

    def render(self, target_mesh: npt.ArrayLike) -> npt.NDArray[np.uint8]:
        """One frame [S, S, 3] showing the reference posed and shaped like ``target_mesh`` [468, 3]."""
        mesh = np.asarray(target_mesh, dtype=np.float64)
        if mesh.shape != (N_MESH, 3) or not np.isfinite(mesh).all():
            raise ValueError(f"need a finite target mesh [{N_MESH}, 3], got {mesh.shape}")
        motion = similarity_2d(self._reference, mesh[:, :2])
        moved = self._anchors @ motion[:, :2].T + motion[:, 2]
        anchors = self._anchors + self._follow[:, None] * (moved - self._anchors)
        target = np.concatenate([mesh[:, :2], anchors])
        depth = mesh[self._face, 2].mean(axis=1)
        triangles = np.concatenate([self._background, self._face[np.argsort(-depth, kind="stable")]])
        map_x, map_y = warp_maps(
            target, self._source, triangles, (self._size, self._size), invert_affine(motion)
        )
        image = cv2.remap(self._frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if self._mouth is not None:
            self._mouth.fill(image, mesh)
        return image


def render_frames(
    reference_frame: npt.NDArray[np.uint8],
    reference_mesh: npt.ArrayLike,
    target_meshes: npt.ArrayLike,
    open_mouth: OpenMouth | None = None,
) -> npt.NDArray[np.uint8]:
    """Frames uint8 [T, S, S, 3] of the reference warped to each target mesh [T, 468, 3];
    ``open_mouth`` = (frame, mesh) of the same speaker with the mouth open fills the mouth interior."""
    renderer = Renderer(reference_frame, reference_mesh, open_mouth)
    meshes = np.asarray(target_meshes, dtype=np.float64)
    if meshes.ndim != 3:
        raise ValueError(f"need target meshes [T, {N_MESH}, 3], got {meshes.shape}")
    return (
        np.stack([renderer.render(m) for m in meshes])
        if len(meshes)
        else np.zeros((0, *reference_frame.shape), np.uint8)
    )

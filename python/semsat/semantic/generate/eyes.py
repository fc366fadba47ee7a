"""Blinks: closed eyelids from a closed-eye knowledge-base frame, blended in by how closed the eyes are.

A warp of an open-eyed reference cannot close its eyes (the lids' skin is not in the picture), and the 12
face parameters do not carry the eyelids, so V2A sends the eyelid opening (extract/eyelids.py) per frame
beside them. The receiver turns it into a closure between its two knowledge-base frames, 0 at the
reference's opening and 1 at the closed-eye frame's, warps the closed-eye frame onto the target mesh around
the eyes and brows and blends it in by that closure through a feathered mask. On GRID bbaf2n (a blink during
a nod) this lifts the blink frames by 0.5-1 dB.

The closed-eye frame is the clip's frame with the narrowest eyes, when they are at most CLOSED_SHARE as open
as the reference's (otherwise the clip has no blink worth a knowledge-base image).
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import numpy.typing as npt
from mediapipe.python.solutions import face_mesh_connections

from ..extract.eyelids import eyelid_opening
from .mesh_topology import face_triangles
from .render_warp import similarity_2d, warp_maps

CLOSED_SHARE = 0.8
MASK_GROW_PX = 4  # the blend reaches this far beyond the eye and brow points (the lids' skin)
FEATHER_SIGMA_PX = 3.0
WINDOW_MARGIN_PX = MASK_GROW_PX + int(3 * FEATHER_SIGMA_PX)


def _points(connections: frozenset[tuple[int, int]]) -> list[int]:
    return sorted({i for edge in connections for i in edge})


EYE_REGIONS = tuple(
    _points(eye) + _points(brow)
    for eye, brow in (
        (face_mesh_connections.FACEMESH_LEFT_EYE, face_mesh_connections.FACEMESH_LEFT_EYEBROW),
        (face_mesh_connections.FACEMESH_RIGHT_EYE, face_mesh_connections.FACEMESH_RIGHT_EYEBROW),
    )
)


def select_closed_eye_frame(meshes: npt.ArrayLike, reference: int) -> int | None:
    """Index of the clip's narrowest eyes among meshes [T, 468, 2+], or None when even they are more than
    CLOSED_SHARE as open as the ``reference`` frame's."""
    openings = eyelid_opening(meshes)
    narrowest = int(np.argmin(openings))
    return narrowest if openings[narrowest] <= CLOSED_SHARE * openings[reference] else None


def eye_closure(
    openings: npt.ArrayLike, open_mesh: npt.ArrayLike, closed_mesh: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """Closure in [0, 1] of each eyelid opening: 0 at ``open_mesh``'s (the reference), 1 at
    ``closed_mesh``'s (the closed-eye frame) or narrower."""
    open_level, closed_level = eyelid_opening(open_mesh), eyelid_opening(closed_mesh)
    span = max(float(open_level - closed_level), 1e-6)
    closure = (open_level - np.asarray(openings, dtype=np.float64)) / span
    return np.clip(np.nan_to_num(closure), 0.0, 1.0).astype(np.float32)


@cache
def _grow_kernel() -> npt.NDArray[np.uint8]:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * MASK_GROW_PX + 1,) * 2)


class EyeFiller:
    """Blends a closed-eye frame's eyes into rendered frames."""

    def __init__(self, frame: npt.NDArray[np.uint8], mesh: npt.ArrayLike) -> None:
        self._frame = np.ascontiguousarray(frame)
        self._source = np.asarray(mesh, dtype=np.float64)[:, :2]
        # Per eye, the face triangles with a corner near it (twice the window's margin, in the closed-eye
        # mesh): rasterizing only these keeps a blink's cost to a few hundred microseconds.
        triangles = face_triangles()
        self._triangles = []
        for region in EYE_REGIONS:
            points = self._source[region]
            low = points.min(axis=0) - 2 * WINDOW_MARGIN_PX
            high = points.max(axis=0) + 2 * WINDOW_MARGIN_PX
            near = np.all((self._source >= low) & (self._source <= high), axis=1)
            self._triangles.append(triangles[near[triangles].any(axis=1)])

    def fill(self, image: npt.NDArray[np.uint8], target_mesh: npt.ArrayLike, closure: float) -> None:
        """Blends the closed eyes into ``image`` (in place) around ``target_mesh``'s eyes, by ``closure``."""
        if not closure > 0:  # also skips NaN
            return
        target = np.asarray(target_mesh, dtype=np.float64)[:, :2]
        height, width = image.shape[:2]
        margin = WINDOW_MARGIN_PX
        for region, triangles in zip(EYE_REGIONS, self._triangles, strict=True):
            points = target[region]
            x0, y0 = np.maximum(np.floor(points.min(axis=0)).astype(int) - margin, 0)
            x1, y1 = np.minimum(np.ceil(points.max(axis=0)).astype(int) + margin + 1, (width, height))
            if x1 <= x0 or y1 <= y0:
                continue
            fallback = similarity_2d(points, self._source[region])
            map_x, map_y = warp_maps(target, self._source, triangles, (y1 - y0, x1 - x0), fallback, (x0, y0))
            patch = cv2.remap(self._frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            mask = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
            hull = cv2.convexHull(np.round(points - (x0, y0)).astype(np.int32))
            cv2.fillConvexPoly(mask, hull, 1.0)
            mask = cv2.GaussianBlur(cv2.dilate(mask, _grow_kernel()), (0, 0), FEATHER_SIGMA_PX)
            mask = (min(float(closure), 1.0) * mask)[..., None]
            window = image[y0:y1, x0:x1].astype(np.float32)
            image[y0:y1, x0:x1] = np.clip(mask * patch + (1 - mask) * window + 0.5, 0, 255).astype(np.uint8)

"""SVC's receiver picture: the reference frame warped piecewise-affinely so that its 68 landmarks land on
the received ones (render_warp's maps and one cv2.remap, as the V2A renderer does with its 468-point mesh).

Triangles: a Delaunay triangulation of the reference landmarks plus fixed points on the frame border, so the
whole frame is covered and the background stays put while the face moves.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from scipy.spatial import Delaunay

from ..semantic.generate.render_warp import border_points, invert_affine, similarity_2d, warp_maps

BORDER_POINTS_PER_SIDE = 4


class KeypointWarper:
    def __init__(self, reference_frame: npt.NDArray[np.uint8], reference_landmarks: npt.ArrayLike) -> None:
        frame = np.asarray(reference_frame)
        points = np.asarray(reference_landmarks, np.float64)
        if frame.ndim != 3 or frame.shape[0] != frame.shape[1] or frame.dtype != np.uint8:
            raise ValueError(
                f"need a square uint8 reference frame [S, S, 3], got {frame.shape} {frame.dtype}"
            )
        if points.shape != (68, 2) or not np.isfinite(points).all():
            raise ValueError(f"need finite reference landmarks [68, 2], got {points.shape}")
        self._frame = np.ascontiguousarray(frame)
        self._size = frame.shape[0]
        self._reference = points
        self._border = border_points(self._size, BORDER_POINTS_PER_SIDE)
        self._source = np.concatenate([points, self._border])
        self._triangles = Delaunay(self._source).simplices.astype(np.int32)

    def render(self, landmarks: npt.ArrayLike) -> npt.NDArray[np.uint8]:
        target = np.asarray(landmarks, np.float64)
        if target.shape != (68, 2) or not np.isfinite(target).all():
            raise ValueError(f"need finite landmarks [68, 2], got {target.shape}")
        fallback = invert_affine(similarity_2d(self._reference, target))
        map_x, map_y = warp_maps(
            np.concatenate([target, self._border]), self._source, self._triangles, (self._size,) * 2, fallback
        )
        return cv2.remap(self._frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

"""The mouth interior: teeth and cavity from an open-mouth knowledge-base frame.

Warping a closed-mouth reference can only stretch the lips across an opening mouth. Here the region inside
the target's inner lips is filled from an open-mouth frame of the same speaker: a fan of triangles from the
inner-lip contour's centroid maps the open frame's inner mouth onto the target's, and a feathered mask of
the target's inner-lip polygon blends it over the warped reference.

The open-mouth frame is the clip's typical open mouth: among the frames whose inner-lip gap (relative to
the face's size) is at least WIDE_SHARE of the clip's widest, the one whose dark cavity share (pixels inside
the inner lips darker than half the face's median luma) is the median of theirs. One frame fills every open
mouth of the clip, so an extreme one shows everywhere: the widest gap may be a toothy smile (retalking: 3%
dark inside the lips, output cavity 0.20x the original's) and the darkest a wide yawn (GRID brbk7n: 2.3x).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ..extract.expression_model import LOWER_LIP_INNER, UPPER_LIP_INNER
from .mesh_topology import FACE_OVAL, INNER_LIPS, oval_centre_radius
from .render_warp import SUBPIXEL_BITS, similarity_2d, warp_maps

FEATHER_SIGMA_PX = 0.8
MARGIN_PX = 3
WIDE_SHARE = 0.6  # an open-mouth frame candidate opens at least this share of the clip's widest gap
DARK_SHARE = 0.5  # "dark": luma below this share of the face's median luma
MIN_OPENING_PX2 = 2.0  # inner-mouth area below which the mouth counts as closed and is left as warped
_N = len(INNER_LIPS)
FAN = np.array([(i, (i + 1) % _N, _N) for i in range(_N)], dtype=np.int32)


def _polygon_mask(polygon: npt.NDArray[np.float64], shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(polygon * (1 << SUBPIXEL_BITS)).astype(np.int32)], 1, shift=SUBPIXEL_BITS)
    return mask.astype(bool)


def inner_lip_gap(meshes: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Distance (px) between the inner upper and lower lip points of meshes [..., 468, 2+]."""
    points = np.asarray(meshes, dtype=np.float64)[..., :2]
    return np.linalg.norm(points[..., UPPER_LIP_INNER, :] - points[..., LOWER_LIP_INNER, :], axis=-1)


def relative_lip_gap(meshes: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Inner-lip gap over the face oval's radius per mesh [T, 468, 2+]: the opening whatever the face size."""
    points = np.asarray(meshes, dtype=np.float64)
    radii = np.array([oval_centre_radius(m)[1] for m in points])
    return inner_lip_gap(points) / radii


def dark_cavity_share(frame: npt.NDArray[np.uint8], mesh: npt.ArrayLike) -> float:
    """Share of the pixels inside the inner lips of an RGB frame darker than DARK_SHARE of the face's median
    luma."""
    points = np.asarray(mesh, dtype=np.float64)
    luma = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2GRAY)
    face = _polygon_mask(points[list(FACE_OVAL), :2], luma.shape)
    inside = _polygon_mask(inner_mouth_polygon(points), luma.shape)
    if not face.any() or not inside.any():
        return 0.0
    return float(np.mean(luma[inside] < DARK_SHARE * np.median(luma[face])))


def select_open_mouth_frame(meshes: npt.ArrayLike, frames: npt.NDArray[np.uint8]) -> int:
    """Index of the clip's typical open mouth (module docstring) among its meshes [T, 468, 2+] and RGB frames
    [T, H, W, 3] (the crops the meshes were measured on)."""
    points = np.asarray(meshes, dtype=np.float64)
    if points.ndim != 3 or len(points) == 0 or len(points) != len(frames):
        raise ValueError(f"need one mesh per frame to pick an open-mouth frame, got {points.shape}")
    gaps = relative_lip_gap(points)
    wide = np.flatnonzero(gaps >= WIDE_SHARE * gaps.max())
    shares = np.array([dark_cavity_share(frames[i], points[i]) for i in wide])
    typical = np.argmin(np.abs(shares - np.median(shares)) - 1e-3 * gaps[wide])  # ties: the wider
    return int(wide[typical])


def inner_mouth_polygon(mesh: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The inner-lip contour [20, 2] of a mesh [468, 2+], in order round the mouth."""
    return np.asarray(mesh, dtype=np.float64)[list(INNER_LIPS), :2]


def polygon_area(polygon: npt.NDArray[np.float64]) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


class MouthFiller:
    """Pastes an open-mouth frame's inner mouth into rendered frames."""

    def __init__(self, frame: npt.NDArray[np.uint8], mesh: npt.ArrayLike) -> None:
        polygon = inner_mouth_polygon(mesh)
        self._frame = np.ascontiguousarray(frame)
        self._source = np.concatenate([polygon, polygon.mean(axis=0, keepdims=True)])

    def fill(self, image: npt.NDArray[np.uint8], target_mesh: npt.ArrayLike) -> None:
        """Blends the inner mouth into ``image`` (in place) inside ``target_mesh``'s inner lips."""
        polygon = inner_mouth_polygon(target_mesh)
        if polygon_area(polygon) < MIN_OPENING_PX2:
            return
        height, width = image.shape[:2]
        x0, y0 = np.maximum(np.floor(polygon.min(axis=0)).astype(int) - MARGIN_PX, 0)
        x1, y1 = np.minimum(np.ceil(polygon.max(axis=0)).astype(int) + MARGIN_PX + 1, (width, height))
        if x1 <= x0 or y1 <= y0:
            return
        target = np.concatenate([polygon, polygon.mean(axis=0, keepdims=True)])
        fallback = similarity_2d(target, self._source)
        map_x, map_y = warp_maps(target, self._source, FAN, (y1 - y0, x1 - x0), fallback, (x0, y0))
        patch = cv2.remap(self._frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.float32)
        fixed = np.round((polygon - (x0, y0)) * (1 << SUBPIXEL_BITS)).astype(np.int32)
        cv2.fillPoly(mask, [fixed], 1.0, lineType=cv2.LINE_AA, shift=SUBPIXEL_BITS)
        # Feathered outwards: fully the open mouth inside the inner lips, fading over the lips' inner edge.
        mask = np.minimum(2 * cv2.GaussianBlur(mask, (0, 0), FEATHER_SIGMA_PX), 1)[..., None]
        window = image[y0:y1, x0:x1].astype(np.float32)
        image[y0:y1, x0:x1] = np.clip(mask * patch + (1 - mask) * window + 0.5, 0, 255).astype(np.uint8)

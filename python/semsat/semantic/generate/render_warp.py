"""Piecewise-affine warp maps: a triangle-id raster of the target geometry and one affine per triangle,
turned into the per-pixel source coordinates that a single ``cv2.remap`` reads."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import numpy.typing as npt

SUBPIXEL_BITS = 4  # cv2.fillConvexPoly's ``shift``: vertices at 1/16 px
MIN_AREA_PX2 = 1e-3


def triangle_affines(
    target: npt.NDArray[np.float64], source: npt.NDArray[np.float64], triangles: npt.NDArray[np.int32]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per triangle the affine [F, 2, 3] taking target pixels to source pixels, and which triangles are
    non-degenerate in the target (the others get an identity map and must not be drawn).

    Each affine solves [x y 1] A = source corners over the triangle's three target corners; the 3x3 inverse
    is written out (adjugate over determinant) because a batched np.linalg.solve of a thousand 3x3 systems
    costs milliseconds a frame."""
    (x0, y0), (x1, y1), (x2, y2) = target[triangles].transpose(1, 2, 0)  # each [F]
    det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1)
    valid = np.abs(det) / 2 > MIN_AREA_PX2
    safe = np.where(valid, det, 1.0)
    # inverse[i, j] of the matrix with rows [x_k, y_k, 1], one per corner k
    inverse = (
        np.stack(
            [
                np.stack([y1 - y2, y2 - y0, y0 - y1]),
                np.stack([x2 - x1, x0 - x2, x1 - x0]),
                np.stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0]),
            ]
        )
        / safe
    )  # [3, 3, F]
    affines = np.einsum("ikf,fkj->fji", inverse, source[triangles])  # [F, 2, 3]
    affines[~valid] = np.eye(2, 3)
    return affines, valid


def warp_maps(
    target: npt.NDArray[np.float64],
    source: npt.NDArray[np.float64],
    triangles: npt.NDArray[np.int32],
    shape: tuple[int, int],
    fallback: npt.NDArray[np.float64],
    origin: tuple[int, int] = (0, 0),
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """``cv2.remap`` maps of a ``shape`` (height, width) window whose top-left pixel is ``origin`` (x, y)
    in target pixels: triangles are drawn in the given order (later ones cover earlier ones) and pixels
    outside every triangle use the ``fallback`` affine [2, 3]."""
    affines, valid = triangle_affines(target, source, triangles)
    coefficients = np.concatenate([affines, fallback[None]]).reshape(-1, 6).T.astype(np.float32)  # [6, F+1]
    ids = np.full(shape, len(triangles), dtype=np.int32)
    fixed = np.round((target[:, :2] - origin) * (1 << SUBPIXEL_BITS)).astype(np.int32)
    drawn = np.flatnonzero(valid)
    for index, corners in zip(drawn.tolist(), fixed[triangles[drawn]], strict=True):
        cv2.fillConvexPoly(ids, corners, index, shift=SUBPIXEL_BITS)
    xs, ys = _pixel_grid(shape, origin)
    a = coefficients[:, ids]  # [6, H, W]: the affine of each pixel's triangle
    map_x = a[0] * xs
    map_x += a[1] * ys
    map_x += a[2]
    map_y = a[3] * xs
    map_y += a[4] * ys
    map_y += a[5]
    return map_x, map_y


@lru_cache(maxsize=4)  # the full frame's grid is reused every frame; mouth windows vary
def _pixel_grid(shape: tuple[int, int], origin: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    return xs + origin[0], ys + origin[1]


def similarity_2d(
    source: npt.NDArray[np.float64], target: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Least-squares 2-D similarity [2, 3] taking ``source`` points [N, 2] onto ``target`` [N, 2]."""
    s_mean, t_mean = source.mean(axis=0), target.mean(axis=0)
    s, t = source - s_mean, target - t_mean
    u, singular, vt = np.linalg.svd(t.T @ s)
    d = np.array([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rotation = (u * d) @ vt
    scale = (singular * d).sum() / (s**2).sum()
    matrix = scale * rotation
    return np.concatenate([matrix, (t_mean - matrix @ s_mean)[:, None]], axis=1)


def invert_affine(affine: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return cv2.invertAffineTransform(affine.astype(np.float64))


def border_points(size: int, per_side: int = 8) -> npt.NDArray[np.float64]:
    """Fixed anchors [4 * per_side, 2] along a square frame's border, corners included (pixel centres 0 …
    size-1): with them a triangulation covers the whole frame."""
    ticks = np.linspace(0, size - 1, per_side + 1)[:-1]
    last = size - 1.0
    sides = [
        np.stack([ticks, np.zeros_like(ticks)], 1),
        np.stack([np.full_like(ticks, last), ticks], 1),
        np.stack([last - ticks, np.full_like(ticks, last)], 1),
        np.stack([np.zeros_like(ticks), last - ticks], 1),
    ]
    return np.concatenate(sides)

"""Triangles of the warp: mediapipe's face tessellation, the mouth and eye holes, and background anchors.

Face: mediapipe's FACEMESH_TESSELATION (468 points; its surface has holes inside the inner lips and the
eyelids, filled here by fans of triangles so that they stretch with the contour instead of tearing).
Background: anchor points on the crop's border (fixed) and two rings around the face, the inner one
following half the head's 2-D similarity motion (hair, neck), the outer one staying (background, body): on
the VoxCeleb2 and retalking clips a fully following ring bends the background and body and lowered PSNR
below the frozen baseline's. Above the face the inner ring is hair on some speakers and background on
others, so the share its top follows, ``hair_follow``, rises from the sides' half to a per-speaker value
(the knowledge base's record; 1.0 on GRID bbaf2n lifts its nod frames by 0.4 dB, on retalking it costs
0.5). They are joined to the face oval by a Delaunay triangulation of the reference's points with the
triangles inside the oval dropped. Every pixel of the crop lies in some triangle, so a warp over these
triangles leaves no holes.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import numpy.typing as npt
from mediapipe.python.solutions import face_mesh_connections
from scipy.spatial import Delaunay

N_MESH = 468
# The inner-lip contour, going round the mouth (left corner, lower lip, right corner, upper lip).
INNER_LIPS = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191)
BORDER_POINTS_PER_SIDE = 8
# Anchor rings around the face: (radius relative to the face oval's, share of the head's motion they follow).
RINGS = ((1.3, 0.5), (2.0, 0.0))
RING_POINTS = 24
DEFAULT_HAIR_FOLLOW = RINGS[0][1]


def _ordered_cycle(edges: frozenset[tuple[int, int]]) -> tuple[int, ...]:
    neighbours: dict[int, list[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    start = min(neighbours)
    cycle, previous = [start], None
    while True:
        current = cycle[-1]
        following = next(n for n in neighbours[current] if n != previous)
        if following == start:
            return tuple(cycle)
        previous = current
        cycle.append(following)


FACE_OVAL = _ordered_cycle(face_mesh_connections.FACEMESH_FACE_OVAL)
# Holes of mediapipe's surface (inside the inner lips and the eyelids), each filled by a triangle fan.
HOLES = (
    INNER_LIPS,
    _ordered_cycle(face_mesh_connections.FACEMESH_LEFT_EYE),
    _ordered_cycle(face_mesh_connections.FACEMESH_RIGHT_EYE),
)


@cache
def face_triangles() -> npt.NDArray[np.int32]:
    """Triangles [F, 3] of the face surface (mesh point indices), the mouth and eye holes filled."""
    edges = {tuple(sorted(e)) for e in face_mesh_connections.FACEMESH_TESSELATION}
    adjacency: dict[int, set[int]] = {}
    for a, b in edges:
        adjacency.setdefault(a, set()).add(b)
        adjacency.setdefault(b, set()).add(a)
    triangles = {tuple(sorted((a, b, c))) for a, b in edges for c in adjacency[a] & adjacency[b]}
    fans = [(hole[0], hole[i], hole[i + 1]) for hole in HOLES for i in range(1, len(hole) - 1)]
    return np.array(sorted(triangles) + fans, dtype=np.int32)


def oval_centre_radius(mesh: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], float]:
    oval = np.asarray(mesh, dtype=np.float64)[list(FACE_OVAL), :2]
    centre = oval.mean(axis=0)
    return centre, float(np.linalg.norm(oval - centre, axis=1).mean())


def ring_points(mesh: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Anchors [R, 2] on circles around the face oval of a reference mesh."""
    centre, radius = oval_centre_radius(mesh)
    angles = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    unit = np.stack([np.cos(angles), np.sin(angles)], 1)
    return np.concatenate([centre + scale * radius * unit for scale, _ in RINGS])


def anchor_follow(hair_follow: float = DEFAULT_HAIR_FOLLOW) -> npt.NDArray[np.float64]:
    """Per anchor (ring points, then border points) the share of the head's 2-D motion it follows; the inner
    ring's share rises towards its top (image y points down) to ``hair_follow`` (module docstring)."""
    angles = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    top = np.clip(-np.sin(angles), 0.0, 1.0)
    inner, outer = (np.full(RING_POINTS, follow) for _, follow in RINGS)
    inner += (hair_follow - inner) * top
    return np.concatenate([inner, outer, np.zeros(4 * BORDER_POINTS_PER_SIDE)])


def background_triangles(
    reference_mesh: npt.ArrayLike, anchors: npt.NDArray[np.float64]
) -> npt.NDArray[np.int32]:
    """Triangles [G, 3] between the face oval and the anchors, indices into [mesh points, anchors]."""
    mesh = np.asarray(reference_mesh, dtype=np.float64)[:, :2]
    oval = np.array(FACE_OVAL)
    points = np.concatenate([mesh[oval], anchors])
    index = np.concatenate([oval, N_MESH + np.arange(len(anchors))])
    simplices = Delaunay(points).simplices
    contour = mesh[oval].astype(np.float32).reshape(-1, 1, 2)
    centroids = points[simplices].mean(axis=1)
    outside = np.array([cv2.pointPolygonTest(contour, (float(x), float(y)), False) < 0 for x, y in centroids])
    return index[simplices[outside]].astype(np.int32)

"""How open the eyes are, per frame, from mediapipe's 468-point mesh: the one face motion the 12 face
parameters do not carry (the expression model's components follow the mouth; a blink barely moves them).

Opening = the distance between the upper and lower eyelid's middle points over the eye's width (corner to
corner), averaged over both eyes: a size- and pose-free number, about 0.3-0.4 open and 0.2 at a full blink
on the development clips (mediapipe's mesh never closes the lids completely).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# (upper lid, lower lid, outer corner, inner corner) of each eye in mediapipe's mesh.
EYES = ((159, 145, 33, 133), (386, 374, 263, 362))


def eyelid_opening(meshes: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Eye opening [...] of meshes [..., 468, 2+] (module docstring)."""
    points = np.asarray(meshes, dtype=np.float64)[..., :2]
    openings = [
        np.linalg.norm(points[..., upper, :] - points[..., lower, :], axis=-1)
        / np.maximum(np.linalg.norm(points[..., outer, :] - points[..., inner, :], axis=-1), 1e-6)
        for upper, lower, outer, inner in EYES
    ]
    return np.mean(openings, axis=0).astype(np.float32)

"""The transmitter's choice of ``hair_follow`` (mesh_topology.py) for a speaker: analysis by synthesis.

Whether the region above the face is hair that moves with the head or background that stays cannot be told
from the mesh, so the transmitter renders the clip it is sending both ways, as the receiver will, and keeps
the value whose frames are closer to the originals (mean squared error); the record carries it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .render import ClosedEyes, OpenMouth, Renderer

HAIR_FOLLOW_CHOICES = (0.5, 1.0)
EVERY_NTH_FRAME = 2  # half the frames judge as well as all of them and cost half


def choose_hair_follow(
    reference_frame: npt.NDArray[np.uint8],
    reference_mesh: npt.ArrayLike,
    target_meshes: npt.ArrayLike,
    originals: npt.NDArray[np.uint8],
    open_mouth: OpenMouth | None = None,
    closed_eyes: ClosedEyes | None = None,
    eye_closures: npt.ArrayLike | None = None,
) -> float:
    """The choice of HAIR_FOLLOW_CHOICES whose renders of ``target_meshes`` [T, 468, 3] (the meshes the
    receiver will rebuild) best match ``originals`` [T, S, S, 3]."""
    meshes = np.asarray(target_meshes, dtype=np.float64)
    if len(meshes) != len(originals) or len(meshes) == 0:
        raise ValueError(f"need one original per target mesh, got {len(originals)} for {len(meshes)}")
    closures = np.zeros(len(meshes)) if eye_closures is None else np.asarray(eye_closures, dtype=np.float64)
    frames = range(0, len(meshes), EVERY_NTH_FRAME)
    errors = []
    for follow in HAIR_FOLLOW_CHOICES:
        renderer = Renderer(reference_frame, reference_mesh, open_mouth, closed_eyes, follow)
        rendered = ((renderer.render(meshes[t], closures[t]), originals[t]) for t in frames)
        errors.append(sum(float(np.mean((r.astype(np.float32) - o) ** 2)) for r, o in rendered))
    return HAIR_FOLLOW_CHOICES[int(np.argmin(errors))]

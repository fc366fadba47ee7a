"""The transmitter's fit of where the reference frame's texture lies under each mesh point: analysis by
synthesis with optical flow.

mediapipe's mesh follows the face's shape, not its texture: against the reference, a speaker's jaw line,
lips and brows move a pixel or two more or less than the mesh points that carry them, and the reference's
own mesh is off by as much (dlib's 68 landmarks of the GRID originals and of renders of their TRUE meshes
differ by 0.78-0.96 px, an mp4 round trip of the originals by 0.32-0.40). The transmitter holds the clip, so
it renders it as the receiver will, measures with dense optical flow (OpenCV's DIS) where the content at
each mesh point of the original lies in the render, takes that shift back into the reference frame, and
fits it per point as a constant plus a linear function of the change from the reference of the expression
coefficients and the head rotation (the face oval's points are a silhouette: they slide over the skin as
the head turns): ridge regression over up to ``MAX_FRAMES`` frames, a few rounds, each rendering with the
last fit. The record carries the result ``offsets`` [1 + 9, 468, 2] (pixels; pixels per unit of each
parameter): the receiver samples the reference at mesh + offset (``texture_offset``). Offsets and measured
shifts are bounded by ``MAX_OFFSET_PX``: the table corrects where the mesh misplaces the texture by a few
pixels; beyond that it would be extrapolating (a record reused for another clip's poses) or following a
flow failure. A fit whose renders are not closer to the originals (mean squared error) than the plain
mesh's is dropped.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .mesh_topology import N_MESH
from .render import Renderer
from .render_warp import similarity_2d

FITTED_PARAMS = slice(0, 9)  # the 6 expression coefficients and pitch, yaw, roll (face parameters 0-8)
N_FITTED = FITTED_PARAMS.stop
OFFSET_SHAPE = (1 + N_FITTED, N_MESH, 2)
ROUNDS = 3  # the third round moves the points by < 0.1 px on the GRID clips
MAX_FRAMES = 100  # longer clips are fitted on this many evenly spaced frames (the fit costs ~50 ms a frame)
MAX_OFFSET_PX = 4.0  # per point and frame, in the fit's measured shifts and in what the renderer applies
RIDGE = 0.03  # on the parameter changes (coefficients span ~0.5-2 units a clip); the constant is free


def texture_offset(offsets: npt.ArrayLike, parameter_change: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """The offsets [468, 2] of one frame whose fitted parameters (``FITTED_PARAMS``) differ from the
    reference's by ``parameter_change`` [9]."""
    table = np.asarray(offsets, dtype=np.float64)
    offset = table[0] + np.tensordot(np.asarray(parameter_change, dtype=np.float64), table[1:], axes=1)
    return np.clip(offset, -MAX_OFFSET_PX, MAX_OFFSET_PX)


def frame_texture_offsets(
    offsets: npt.ArrayLike | None, face_params: npt.ArrayLike, reference_params: npt.ArrayLike
) -> npt.NDArray[np.float64] | None:
    """Per frame of ``face_params`` [T, 12] its offsets [T, 468, 2] from a record's ``offsets`` and
    ``reference_params`` [12]; None when the record has no offsets."""
    if offsets is None:
        return None
    changes = np.asarray(face_params, dtype=np.float64)[:, FITTED_PARAMS]
    changes = changes - np.asarray(reference_params, dtype=np.float64)[FITTED_PARAMS]
    return np.stack([texture_offset(offsets, change) for change in changes])


def fit_texture_offsets(
    renderer: Renderer,
    target_meshes: npt.ArrayLike,
    parameter_changes: npt.ArrayLike,
    originals: npt.NDArray[np.uint8],
    eye_closures: npt.ArrayLike | None = None,
) -> npt.NDArray[np.float32] | None:
    """``offsets`` [10, 468, 2] for ``renderer`` (the receiver's, of the record being built) rendering
    ``target_meshes`` [T, 468, 3] (the meshes the receiver will rebuild) to look like ``originals``
    [T, S, S, 3]; ``parameter_changes`` [T, 9] are the frames' ``FITTED_PARAMS`` minus the reference's.
    None when the fit does not bring the renders closer to the originals (module docstring)."""
    meshes = np.asarray(target_meshes, dtype=np.float64)
    changes = np.asarray(parameter_changes, dtype=np.float64)
    n = len(meshes)
    if n == 0 or len(originals) != n or changes.shape != (n, N_FITTED):
        raise ValueError(
            f"need T > 0 target meshes, originals and parameter changes [T, {N_FITTED}], got "
            f"{meshes.shape}, {len(originals)}, {changes.shape}"
        )
    closures = np.zeros(n) if eye_closures is None else np.asarray(eye_closures, dtype=np.float64)
    chosen = np.unique(np.linspace(0, n - 1, min(n, MAX_FRAMES)).round().astype(np.int64))
    meshes, changes, closures, originals = (
        meshes[chosen],
        changes[chosen],
        closures[chosen],
        originals[chosen],
    )
    n = len(chosen)
    grays = [cv2.cvtColor(o, cv2.COLOR_RGB2GRAY) for o in originals]
    flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    design = np.column_stack([np.ones(n), changes])
    normal = design.T @ design + RIDGE * np.diag([0.0] + [1.0] * N_FITTED)
    offsets = np.zeros(OFFSET_SHAPE)
    plain_errors = []
    for round_ in range(ROUNDS):
        shifts = []
        for t in range(n):
            offset = texture_offset(offsets, changes[t])
            rendered = renderer.render(meshes[t], closures[t], offset)
            if round_ == 0:  # the table is still zero: these are the plain mesh's renders
                plain_errors.append(_squared_error(rendered, originals[t]))
            shifts.append(_texture_shift(renderer, flow, meshes[t], grays[t], rendered, offset))
        update = np.linalg.solve(normal, design.T @ np.stack(shifts).reshape(n, -1))
        offsets += update.reshape(OFFSET_SHAPE)
    fitted = np.mean(
        [
            _squared_error(renderer.render(mesh, closure, texture_offset(offsets, change)), original)
            for mesh, closure, change, original in zip(meshes, closures, changes, originals, strict=True)
        ]
    )
    return offsets.astype(np.float32) if fitted < np.mean(plain_errors) else None


def _texture_shift(
    renderer: Renderer,
    flow: cv2.DISOpticalFlow,
    mesh: npt.NDArray[np.float64],
    original_gray: npt.NDArray[np.uint8],
    rendered: npt.NDArray[np.uint8],
    offset: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """How far [468, 2], in reference pixels, each mesh point's texture must move so that ``rendered`` (the
    render with ``offset``) shows at the point what the original shows there."""
    field = flow.calc(
        original_gray, cv2.cvtColor(rendered, cv2.COLOR_RGB2GRAY), None
    )  # original(p) ~ rendered(p + field(p))
    size = original_gray.shape[0]
    pixels = np.clip(np.round(mesh[:, :2]).astype(np.int64), 0, size - 1)
    shift = field[pixels[:, 1], pixels[:, 0]].astype(np.float64)
    source = renderer.reference_points + offset
    linear = similarity_2d(source, mesh[:, :2])[:, :2]
    return np.clip(shift @ np.linalg.inv(linear).T, -MAX_OFFSET_PX, MAX_OFFSET_PX)


def _squared_error(rendered: npt.NDArray[np.uint8], original: npt.NDArray[np.uint8]) -> float:
    return float(np.mean((rendered.astype(np.float32) - original) ** 2))

"""The identity record an update sends: reference, open-mouth and closed-eye frames picked from the current
clip, and the hair-follow share the transmitter found best for it.

The reference is the clip's first frame with a face (what the transmitter holds when it decides, and the
"frozen" baseline's frame). The open-mouth frame, for the renderer's mouth interior, is the clip's typical
open mouth (generate/mouth.py), provided the mouth opens at least ``OPEN_MOUTH_MARGIN`` wider than the
reference somewhere in the clip (expression coefficient 0; the development clips reach 0.1-0.45 above their
first frame); otherwise there is none. The closed-eye frame, for blinks, is the clip's narrowest eyes when
they close enough (generate/eyes.py). ``hair_follow`` is chosen, and the texture offsets are fitted, by
rendering the clip as the receiver will (generate/hair_follow.py, generate/texture_fit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..extract.expression_model import MOUTH_OPENING
from ..extract.eyelids import eyelid_opening
from ..features import ClipFeatures
from ..generate.eyes import eye_closure, select_closed_eye_frame
from ..generate.hair_follow import choose_hair_follow
from ..generate.mesh_from_params import MeshModel
from ..generate.mouth import select_open_mouth_frame
from ..generate.render import Renderer
from ..generate.texture_fit import FITTED_PARAMS, fit_texture_offsets
from .record import FRAME_SHAPE, IdentityRecord

OPEN_MOUTH_MARGIN = 0.1


@dataclass(frozen=True)
class RendererAssets:
    """What the renderer needs besides the reference, as frame indices of the clip."""

    open_mouth: int | None
    closed_eyes: int | None
    hair_follow: float
    texture_offsets: npt.NDArray[np.float32] | None


def renderer_assets(
    frames: npt.NDArray[np.uint8],
    meshes: npt.NDArray[np.float32],
    face_params: npt.NDArray[np.float32],
    reference: int,
) -> RendererAssets:
    """The open-mouth and closed-eye frames, the hair-follow share and the texture offsets for a clip's
    256x256 crops [T, ...], meshes [T, 468, 3] and face parameters [T, 12], given its reference frame
    index (module docstring)."""
    opening = face_params[:, MOUTH_OPENING]
    has_open = opening.max() - opening[reference] >= OPEN_MOUTH_MARGIN
    mouth = select_open_mouth_frame(meshes, frames) if has_open else None
    eyes = select_closed_eye_frame(meshes, reference)
    open_mouth = None if mouth is None else (frames[mouth], meshes[mouth])
    closed_eyes = None if eyes is None else (frames[eyes], meshes[eyes])
    closures = None if eyes is None else eye_closure(eyelid_opening(meshes), meshes[reference], meshes[eyes])
    targets = MeshModel.from_reference(meshes[reference], face_params[reference]).meshes(face_params)
    hair = choose_hair_follow(
        frames[reference], meshes[reference], targets, frames, open_mouth, closed_eyes, closures
    )
    renderer = Renderer(frames[reference], meshes[reference], open_mouth, closed_eyes, hair)
    changes = face_params[:, FITTED_PARAMS] - face_params[reference, FITTED_PARAMS]
    texture = fit_texture_offsets(renderer, targets, changes, frames, closures)
    return RendererAssets(mouth, eyes, hair, texture)


def reference_index(features: ClipFeatures) -> int:
    """The frame a record of the clip takes as its reference: the first with a face (ValueError if none).
    Its face parameters are the record's ``reference_params``, the face codec's anchor at both ends."""
    found = np.flatnonzero(features.face_found)
    if found.size == 0:
        raise ValueError(f"no face found in {features.source or features.speaker!r}: nothing to send")
    return int(found[0])


def reference_record(
    features: ClipFeatures, frames_256: npt.NDArray[np.uint8], voice: dict[str, Any] | None = None
) -> IdentityRecord:
    """A record of ``features.speaker`` from the clip's features and its 256x256 crops (one per frame)."""
    frames = np.asarray(frames_256)
    if frames.shape != (features.n_frames, *FRAME_SHAPE) or frames.dtype != np.uint8:
        raise ValueError(
            f"need {features.n_frames} uint8 crops of {FRAME_SHAPE}, got {frames.dtype}{list(frames.shape)}"
        )
    if features.mesh468 is None:
        raise ValueError(
            f"features of {features.source or features.speaker!r} have no mesh468 for the renderer"
        )
    reference = reference_index(features)
    found = np.flatnonzero(features.face_found)
    meshes = features.mesh468[found]
    assets = renderer_assets(frames[found], meshes, features.face_params[found], 0)
    mouth = None if assets.open_mouth is None else int(found[assets.open_mouth])
    eyes = None if assets.closed_eyes is None else int(found[assets.closed_eyes])
    return IdentityRecord(
        speaker=features.speaker,
        reference_frame=frames[reference].copy(),
        reference_mesh=features.mesh468[reference].astype(np.float32),
        reference_params=features.face_params[reference].astype(np.float32),
        embedding=features.identity.astype(np.float32),
        open_mouth_frame=None if mouth is None else frames[mouth].copy(),
        open_mouth_mesh=None if mouth is None else features.mesh468[mouth].astype(np.float32),
        closed_eye_frame=None if eyes is None else frames[eyes].copy(),
        closed_eye_mesh=None if eyes is None else features.mesh468[eyes].astype(np.float32),
        hair_follow=assets.hair_follow,
        texture_offsets=assets.texture_offsets,
        voice=voice,
    ).validate()

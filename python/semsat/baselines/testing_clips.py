"""The GRID development clips for the baselines' tests and benchmark: 256x256 crops (the extraction's crop
boxes), audio, cached clean features, and the SVC codebook fitted on the other GRID speakers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..media.clip import Clip, read_clip
from ..media.face_crop import crop_clip
from ..semantic.features import ClipFeatures
from ..semantic.generate.mesh_from_params import MeshModel
from ..semantic.generate.mouth import select_open_mouth_frame
from ..semantic.generate.render import render_frames
from ..testing_media import require_media
from ..train.a2f import cached_grid_features
from .grid_codebook import FEATURES_CACHE, grid_codebook
from .keypoint_codebook import KeypointCodebook


@dataclass(frozen=True)
class GridCase:
    name: str
    clip: Clip  # crops, audio at 16 kHz
    features: ClipFeatures


@cache
def grid_features() -> dict[str, ClipFeatures]:
    return {Path(f.source).stem: f for f in cached_grid_features(require_media(), FEATURES_CACHE)}


@cache
def grid_case(name: str) -> GridCase:
    features = grid_features()[name]
    clip = read_clip(require_media() / "clips" / f"{name}.mpg")
    clip = replace(clip, frames=clip.frames[: features.n_frames])
    return GridCase(name, crop_clip(clip, features.crop_boxes), features)


@cache
def held_out_codebook(name: str) -> KeypointCodebook:
    """PCA of the landmark motion of every GRID clip but ``name`` (leave-one-speaker-out)."""
    return grid_codebook(require_media(), exclude=name)


@cache
def v2a_clean_frames(name: str):
    """V2A's video from the clean features (no channel): frame 0 as the KB reference, meshes rebuilt from
    the 12 face parameters, the clip's open-mouth frame for the mouth interior (as the renderer's tests)."""
    case = grid_case(name)
    mesh, params, crops = case.features.mesh468, case.features.face_params, case.clip.frames
    meshes = MeshModel.from_reference(mesh[0], params[0]).meshes(params)
    k = select_open_mouth_frame(mesh, crops)
    return render_frames(crops[0], mesh[0], meshes, (crops[k], mesh[k]))

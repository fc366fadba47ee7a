"""The GRID development clips for the baselines' tests and benchmark: 256x256 crops (the extraction's crop
boxes), audio, cached clean features, and the SVC codebook fitted on the other GRID speakers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..media.clip import Clip, read_clip
from ..media.face_crop import crop_clip
from ..receiver.semantic_reconstructors import SpeakerModels
from ..semantic.extract.eyelids import eyelid_opening
from ..semantic.features import FEATURES_CACHE, ClipFeatures
from ..semantic.kb.reference import reference_record
from ..testing_media import require_media
from ..train.a2f import cached_grid_features
from .grid_codebook import grid_codebook
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
    """V2A's video from the clean features (no channel), as the receiver renders it: the KB record of the clip
    (frame 0 as the reference, its open-mouth and closed-eye frames, hair-follow share), meshes rebuilt from
    the 12 face parameters, blinking by the eyelid openings."""
    case = grid_case(name)
    features = case.features
    models = SpeakerModels(reference_record(features, case.clip.frames))
    return models.render(features.face_params, eyelid_opening(features.mesh468))

"""Shared, cached cases for the renderer's QA tests: development clips, their clean features (extracted,
then only the transmitted 12 face parameters used), renders, and metrics beside the frozen baseline.

Metrics use the building blocks of ``effect.evaluate`` (dlib 68-point AKD, PSNR, SSIM, dlib identity
distance) on the 256x256 crops, per frame, because several bars are on shares of frames; the frozen baseline
is the reference frame (frame 0) held for the whole clip, as in ``effect.evaluate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from gnuradio.semsat.effect import image_quality
from gnuradio.semsat.effect.akd import ALL_POINTS, MOUTH_POINTS, akd, frame_landmarks
from gnuradio.semsat.effect.identity import clip_embeddings, identity_scores, subsample
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.face_crop import crop_clip
from gnuradio.semsat.semantic.extract.eyelids import eyelid_opening
from gnuradio.semsat.semantic.extract.face import FaceSemantics, extract_face
from gnuradio.semsat.semantic.generate.eyes import eye_closure
from gnuradio.semsat.semantic.generate.mesh_from_params import MeshModel
from gnuradio.semsat.semantic.generate.render import render_frames
from gnuradio.semsat.semantic.generate.texture_fit import frame_texture_offsets
from gnuradio.semsat.semantic.kb.reference import renderer_assets
from gnuradio.semsat.testing_media import GRID_CLIPS, WILD_CLIPS, require_media

GRID, OTHERS = GRID_CLIPS, WILD_CLIPS
OTHERS_MAX_FRAMES = 75  # the first 3 s of the longer clips
REFERENCE = 0


@dataclass(frozen=True)
class Case:
    crops: npt.NDArray[np.uint8]  # [T, 256, 256, 3] the original, cropped like the semantics
    face: FaceSemantics


@dataclass(frozen=True)
class Scores:
    akd: npt.NDArray[np.float64]  # [T] per frame, NaN where dlib found no face
    mouth_akd: npt.NDArray[np.float64]
    psnr: npt.NDArray[np.float64]
    ssim: npt.NDArray[np.float64]
    identity: npt.NDArray[np.float64]  # [K] every 5th frame

    def summary(self) -> dict[str, float]:
        return {
            "akd": float(np.nanmean(self.akd)),
            "mouth_akd": float(np.nanmean(self.mouth_akd)),
            "psnr": float(self.psnr.mean()),
            "ssim": float(self.ssim.mean()),
            "identity": float(np.nanmean(self.identity)),
        }


@cache
def case(name: str) -> Case:
    clip = read_clip(require_media() / "clips" / name, max_frames=None if name in GRID else OTHERS_MAX_FRAMES)
    face = extract_face(clip)
    return Case(crop_clip(clip, face.crop_boxes).frames, face)


@cache
def v2a_render(name: str, with_mouth: bool = True) -> npt.NDArray[np.uint8]:
    """The V2A video: frame 0 as the KB reference with the KB record's open-mouth and closed-eye frames,
    hair-follow share and texture offsets (kb/reference.py), meshes rebuilt from the transmitted parameters,
    eyes closing by the transmitted eyelid openings."""
    c = case(name)
    meshes, params = c.face.mesh468, c.face.face_params
    assets = renderer_assets(c.crops, meshes, params, REFERENCE)
    open_mouth = None
    if with_mouth and assets.open_mouth is not None:
        open_mouth = (c.crops[assets.open_mouth], meshes[assets.open_mouth])
    closed_eyes, closures = None, None
    if assets.closed_eyes is not None:
        closed_eyes = (c.crops[assets.closed_eyes], meshes[assets.closed_eyes])
        closures = eye_closure(eyelid_opening(meshes), meshes[REFERENCE], meshes[assets.closed_eyes])
    targets = MeshModel.from_reference(meshes[REFERENCE], params[REFERENCE]).meshes(params)
    offsets = frame_texture_offsets(assets.texture_offsets, params, params[REFERENCE])
    return render_frames(
        c.crops[REFERENCE],
        meshes[REFERENCE],
        targets,
        open_mouth,
        closed_eyes,
        closures,
        assets.hair_follow,
        offsets,
    )


@cache
def landmarks(name: str) -> npt.NDArray[np.float32]:
    return frame_landmarks(case(name).crops)


def scores(name: str, output: npt.NDArray[np.uint8]) -> Scores:
    crops = case(name).crops
    ref = landmarks(name)
    out = frame_landmarks(output)
    indices = subsample(len(crops))
    ref_embeddings = clip_embeddings(crops, indices)
    return Scores(
        akd=akd(ref, out, ALL_POINTS).per_frame,
        mouth_akd=akd(ref, out, MOUTH_POINTS).per_frame,
        psnr=image_quality.psnr(crops, output).per_frame,
        ssim=image_quality.ssim(crops, output).per_frame,
        identity=identity_scores(
            ref_embeddings, clip_embeddings(output, indices), indices
        ).per_frame_distance,
    )


@cache
def frozen_scores(name: str) -> Scores:
    crops = case(name).crops
    return scores(name, np.repeat(crops[REFERENCE : REFERENCE + 1], len(crops), axis=0))


@cache
def v2a_scores(name: str) -> Scores:
    return scores(name, v2a_render(name))


def report(label: str, name: str, output: Scores, frozen: Scores) -> str:
    o, f = output.summary(), frozen.summary()
    figures = ", ".join(f"{k} {o[k]:.3f} (frozen {f[k]:.3f})" for k in o)
    return f"{label} {name}: {figures}"

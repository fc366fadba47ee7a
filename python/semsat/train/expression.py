"""``semsat-train expression``: canonical face and expression PCA from the development clips.

Every clip is meshed as extraction meshes it (face_track.py), once as it is and once mirrored left-right
(augmentation: the model then has no left/right bias). The canonical face is learned from all meshes, the
PCA from the pose-normalized ones. Errors are reported in pixels of the 256x256 crop over the x, y of all
468 points: in-sample, and leave-one-speaker-out (the PCA refitted without the speaker, both of the
speaker's orientations held out; the canonical face is learned once from all clips).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..media.clip import MediaError, read_clip
from ..media.manifest import read_manifest
from ..semantic.extract.canonical_face import CanonicalFace, learn_canonical_face
from ..semantic.extract.expression_model import N_COEFFICIENTS, ExpressionModel, lip_gap
from ..semantic.extract.face_track import NoFaceError, track_face
from ..semantic.extract.head_pose import crop_to_camera, fit_head_pose
from .media_argument import add_media_argument

HELP = "fit the canonical face and the expression PCA on the development clips"
VIDEO_SUFFIXES = {".mp4", ".mpg", ".mpeg", ".avi", ".mov", ".mkv", ".webm"}


@dataclass
class ClipMeshes:
    """The found frames' meshes of one clip (camera frame, see head_pose.py) and, once posed, their
    pose-normalized form and scale."""

    speaker: str
    camera: npt.NDArray[np.float64]  # [T, 468, 3]
    crop_size: int
    aligned: npt.NDArray[np.float64] | None = None  # [T, 468, 3]
    scales: npt.NDArray[np.float64] | None = None  # [T]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_media_argument(parser)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("models/expression_pca.npz"), help="model file to write"
    )
    parser.add_argument(
        "--components", type=int, default=N_COEFFICIENTS, help="expression coefficients per frame (default 6)"
    )


def run(args: argparse.Namespace) -> int:
    clip_paths = sorted(p for p in (args.media / "clips").glob("*") if p.suffix.lower() in VIDEO_SUFFIXES)
    if not clip_paths:
        print(f"semsat-train expression: no video clips in {args.media / 'clips'}", file=sys.stderr)
        return 1
    speakers = speakers_from_manifest(args.media)
    meshes = []
    for path in clip_paths:
        speaker = speakers.get(f"clips/{path.name}", path.stem)
        try:
            meshes += clip_meshes(path, speaker)
        except (MediaError, NoFaceError) as e:
            print(f"  skipped: {e}", file=sys.stderr)
            continue
        print(f"  {path.name}: speaker {speaker}, {len(meshes[-1].camera)} frames with a face", flush=True)
    if len({m.speaker for m in meshes}) < 2:
        print("semsat-train expression: clips of two or more speakers needed", file=sys.stderr)
        return 1
    canonical = learn_canonical_face([m.camera for m in meshes])
    for m in meshes:
        pose_normalize(m, canonical)
    model = ExpressionModel.fit([m.aligned for m in meshes], canonical, args.components)
    report(model, meshes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1000:.0f} kB)")
    return 0


def speakers_from_manifest(media: Path) -> dict[str, str]:
    """file → person id (e.g. "V3"); empty without a manifest."""
    return {entry.file: entry.person for entry in read_manifest(media)}


def clip_meshes(path: Path, speaker: str) -> list[ClipMeshes]:
    """The clip's meshes as extracted, and those of its left-right mirror image."""
    clip = read_clip(path)
    result = []
    mirrored = replace(clip, frames=np.ascontiguousarray(clip.frames[:, :, ::-1]))
    for version in (clip, mirrored):
        track = track_face(version)
        crop_size = track.crops.shape[1]
        result.append(ClipMeshes(speaker, crop_to_camera(track.mesh[track.found], crop_size), crop_size))
    return result


def pose_normalize(meshes: ClipMeshes, canonical: CanonicalFace) -> None:
    poses = [fit_head_pose(frame, canonical.shape, canonical.weights) for frame in meshes.camera]
    meshes.aligned = np.stack(
        [pose.to_canonical(frame) for pose, frame in zip(poses, meshes.camera, strict=True)]
    )
    meshes.scales = np.array([pose.scale for pose in poses])


def reconstruction_errors_px(
    components: npt.NDArray[np.float64], meshes: list[ClipMeshes]
) -> npt.NDArray[np.float64]:
    """Per frame, the mean x-y distance (crop pixels) over the 468 points between the mesh and its
    reconstruction: the clip's mean shape plus the projection of the frame's deviation on the components
    (with no components: the clip's mean shape alone)."""
    errors = []
    for m in meshes:
        deviation = (m.aligned - m.aligned.mean(axis=0)).reshape(len(m.aligned), -1)
        residual = (deviation - deviation @ components.T @ components).reshape(m.aligned.shape)
        errors.append(np.linalg.norm(residual[..., :2], axis=2).mean(axis=1) * m.scales * m.crop_size)
    return np.concatenate(errors)


def report(model: ExpressionModel, meshes: list[ClipMeshes]) -> None:
    print(f"{sum(len(m.camera) for m in meshes)} frames from {len(meshes)} clip orientations")
    cumulative = np.cumsum(model.explained_variance_ratio)
    for k, (ratio, total) in enumerate(zip(model.explained_variance_ratio, cumulative, strict=True)):
        print(f"  component {k}: {100 * ratio:5.1f}% of the within-clip variance (total {100 * total:5.1f}%)")
    aligned = np.concatenate([m.aligned for m in meshes])
    mouth = np.corrcoef(model.coefficients(aligned)[:, 0], lip_gap(aligned))[0, 1]
    print(f"  coefficient 0 vs inner-lip gap: r = {mouth:.2f}")
    print("landmark error (mean over frames of the mean x-y error of the 468 points, 256x256 crop pixels)")
    print(f"  {'speaker':8} {'frames':>6} {'clip mean':>9} {'in-sample':>9} {'held out':>9}")
    no_components = np.zeros((0, model.components.shape[1]))
    totals: dict[str, list[np.ndarray]] = {"clip mean": [], "in-sample": [], "held out": []}
    for speaker in sorted({m.speaker for m in meshes}):
        own = [m for m in meshes if m.speaker == speaker]
        refit = ExpressionModel.fit(
            [m.aligned for m in meshes if m.speaker != speaker], model.canonical, model.n_coefficients
        )
        rows = {
            "clip mean": reconstruction_errors_px(no_components, own),
            "in-sample": reconstruction_errors_px(model.components, own),
            "held out": reconstruction_errors_px(refit.components, own),
        }
        for name, errors in rows.items():
            totals[name].append(errors)
        values = " ".join(f"{errors.mean():9.3f}" for errors in rows.values())
        print(f"  {speaker:8} {len(rows['in-sample']):6d} {values}")
    values = " ".join(f"{np.concatenate(errors).mean():9.3f}" for errors in totals.values())
    print(f"  {'all':8} {len(np.concatenate(totals['in-sample'])):6d} {values}")

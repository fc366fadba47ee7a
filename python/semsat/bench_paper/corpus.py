"""The development clips of the paper benchmark: the GRID clips and the in-the-wild talking heads
(VoxCeleb2, with the video-retalking clip counted among them), as MANIFEST.tsv lists them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..media.manifest import read_manifest

GRID = "GRID"
VOXCELEB2 = "VoxCeleb2"
QUICK_CLIP = "grid_bbaf2n"


@dataclass(frozen=True)
class BenchClip:
    name: str  # file stem
    dataset: str  # GRID or VoxCeleb2
    path: Path
    person: str
    transcript: str | None  # known for GRID (forced alignment), else ASR


def dataset_of(name: str) -> str:
    return GRID if name.startswith("grid_") else VOXCELEB2


def bench_clips(media: Path, quick: bool = False) -> list[BenchClip]:
    """The talking-head clips of ``media`` (GRID first); ``quick``: grid_bbaf2n alone."""
    clips = [
        BenchClip(Path(e.file).stem, dataset_of(Path(e.file).stem), media / e.file, e.person, e.transcript)
        for e in read_manifest(media)
        if e.kind == "talking_head_av"
    ]
    clips.sort(key=lambda c: (c.dataset != GRID, c.name))
    if quick:
        clips = [c for c in clips if c.name == QUICK_CLIP]
    if not clips:
        raise FileNotFoundError(
            f"{media}: no talking-head clips in MANIFEST.tsv (give --media or SEMSAT_MEDIA)"
        )
    return clips

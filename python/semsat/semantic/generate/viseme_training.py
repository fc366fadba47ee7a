"""Learning the viseme table (viseme.py) from aligned clips: per phone, the mean of its frames' expression
coefficients relative to the clip's mean (which removes the speaker's bias), shrunk towards its viseme
class's mean (and that towards 0, the speaker's mean) when a phone has few frames: phones unseen in the
corpus fall back to their class, a class unseen to the neutral mean."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ..extract.expression_model import N_COEFFICIENTS
from ..extract.phonemes import PHONES
from ..features import ClipFeatures
from .viseme import VisemeTable, frame_phones

# Phones that look alike on the lips (classical viseme classes for English).
VISEME_CLASSES: tuple[tuple[str, ...], ...] = (
    ("SIL",),
    ("P", "B", "M"),
    ("F", "V"),
    ("TH", "DH"),
    ("T", "D", "N", "L", "S", "Z"),
    ("SH", "ZH", "CH", "JH"),
    ("K", "G", "NG", "HH", "Y"),
    ("W", "R", "UW", "UH", "OW", "OY", "AO"),
    ("AA", "AE", "AH", "AW", "AY"),
    ("EH", "ER", "EY", "IH", "IY"),
)
PRIOR_FRAMES = 4.0  # pseudo-frames of the class mean (and of 0 for a class) in the shrinkage


class AlignedClip(Protocol):
    """What training needs of a clip: phones, their durations in frames, and per-frame face parameters."""

    phonemes: npt.NDArray[np.int16]
    durations: npt.NDArray[np.int16]
    face_params: npt.NDArray[np.float32]


def train_viseme_table(clips: Iterable[AlignedClip]) -> VisemeTable:
    """The table from clips (e.g. ClipFeatures of the development corpus with forced-aligned phones)."""
    sums = np.zeros((len(PHONES), N_COEFFICIENTS))
    frames = np.zeros(len(PHONES), dtype=np.int64)
    for clip in clips:
        expression = np.asarray(clip.face_params, dtype=np.float64)[:, :N_COEFFICIENTS]
        phones = frame_phones(clip.phonemes, clip.durations)
        if len(phones) != len(expression):
            raise ValueError(f"durations cover {len(phones)} frames, the face parameters {len(expression)}")
        np.add.at(sums, phones, expression - expression.mean(axis=0))
        np.add.at(frames, phones, 1)
    if not frames.any():
        raise ValueError("no aligned frames to learn visemes from")
    return VisemeTable(_shrunk_targets(sums, frames), frames)


def _shrunk_targets(sums: npt.NDArray[np.float64], frames: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    targets = np.zeros_like(sums)
    for members in _class_ids(VISEME_CLASSES):
        class_mean = sums[members].sum(axis=0) / (frames[members].sum() + PRIOR_FRAMES)
        targets[members] = (sums[members] + PRIOR_FRAMES * class_mean) / (
            frames[members, None] + PRIOR_FRAMES
        )
    return targets


def _class_ids(classes: Sequence[tuple[str, ...]]) -> list[list[int]]:
    ids = [[PHONES.index(p) for p in members] for members in classes]
    covered = sorted(i for members in ids for i in members)
    if covered != list(range(len(PHONES))):
        raise AssertionError("the viseme classes must cover every phone exactly once")
    return ids


def grid_training_features(media: Path) -> list[ClipFeatures]:
    """Features of the corpus's GRID clips, phones force-aligned to their transcripts (MANIFEST.tsv)."""
    from ..extract.pipeline import extract_clip  # mediapipe, dlib, pocketsphinx: loaded only when needed

    with open(media / "MANIFEST.tsv", newline="") as manifest:
        rows = [
            r for r in csv.DictReader(manifest, delimiter="\t") if Path(r["file"]).name.startswith("grid_")
        ]
    if not rows:
        raise ValueError(f"{media}: no GRID clips listed in MANIFEST.tsv")
    return [
        extract_clip(media / r["file"], transcript=r["transcript"])
        for r in sorted(rows, key=lambda r: r["file"])
    ]


def train_from_media(media: Path, output: Path) -> VisemeTable:
    """Trains the table on the GRID clips of the development corpus and writes it to ``output``."""
    table = train_viseme_table(grid_training_features(media))
    table.save(output)
    return table

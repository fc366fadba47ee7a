"""Classical audio-to-face fallback (A2V): phones and their durations → 12 face parameters per frame.

Each phone has a mouth target: the mean expression coefficients over its frames, relative to the speaker's
mean, learned from aligned development clips (viseme_training.py, ``models/viseme_table.npz``). A clip's
coefficients are the reference frame's plus each frame's phone target minus the silence target (the KB
reference shows the speaker at rest), smoothed by a Gaussian across frames for coarticulation. The head is
held at the reference's pose. Then video goes through the renderer like V2A.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter1d

from ...model_files import installed_model_path, read_npz
from ..extract.expression_model import N_COEFFICIENTS
from ..extract.phonemes import PHONES

TABLE_VERSION = 1
DEFAULT_TABLE_NAME = "viseme_table.npz"
SILENCE_ID = 0
COARTICULATION_SIGMA_FRAMES = 1.0


class VisemeTableError(ValueError):
    """A missing, foreign or inconsistent viseme table file."""


@dataclass(frozen=True)
class VisemeTable:
    targets: npt.NDArray[np.float64]  # [len(PHONES), 6] mean coefficients relative to the speaker's mean
    frames: npt.NDArray[np.int64]  # [len(PHONES)] training frames behind each phone's own estimate

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path, version=np.array(TABLE_VERSION), targets=self.targets.astype(np.float32), frames=self.frames
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> VisemeTable:
        """The table at ``path``, by default the one installed with the package (models/)."""
        path = Path(path) if path is not None else default_table_path()
        arrays = read_npz(path, VisemeTableError, "viseme table", "semsat-train visemes")
        if {"version", "targets", "frames"} - arrays.keys() or int(arrays["version"]) != TABLE_VERSION:
            raise VisemeTableError(f"{path}: not a version-{TABLE_VERSION} viseme table")
        targets, frames = arrays["targets"].astype(np.float64), arrays["frames"].astype(np.int64)
        if targets.shape != (len(PHONES), N_COEFFICIENTS) or frames.shape != (len(PHONES),):
            raise VisemeTableError(f"{path}: the table's arrays do not fit the phone set")
        return cls(targets, frames)


def default_table_path() -> Path:
    """models/viseme_table.npz as installed inside the gnuradio.semsat package."""
    return installed_model_path(DEFAULT_TABLE_NAME)


def frame_phones(phonemes: npt.ArrayLike, durations: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The phone id shown at each video frame [T = sum of durations]."""
    phones = np.asarray(phonemes, dtype=np.int64)
    counts = np.asarray(durations, dtype=np.int64)
    if phones.shape != counts.shape or phones.ndim != 1 or (counts < 0).any():
        raise ValueError(
            f"need phones [P] and non-negative durations [P], got {phones.shape}, {counts.shape}"
        )
    if ((phones < 0) | (phones >= len(PHONES))).any():
        raise ValueError(f"phone ids must lie in 0..{len(PHONES) - 1}")
    return np.repeat(phones, counts)


def viseme_coefficients(
    table: VisemeTable,
    phonemes: npt.ArrayLike,
    durations: npt.ArrayLike,
    reference_coefficients: npt.ArrayLike,
    sigma_frames: float = COARTICULATION_SIGMA_FRAMES,
) -> npt.NDArray[np.float64]:
    """Expression coefficients [T, 6]: the reference's plus the smoothed phone targets relative to silence."""
    steps = table.targets[frame_phones(phonemes, durations)] - table.targets[SILENCE_ID]
    if len(steps) and sigma_frames > 0:
        steps = gaussian_filter1d(steps, sigma_frames, axis=0, mode="nearest")
    return np.asarray(reference_coefficients, dtype=np.float64)[:N_COEFFICIENTS] + steps


def viseme_face_params(
    table: VisemeTable, phonemes: npt.ArrayLike, durations: npt.ArrayLike, reference_params: npt.ArrayLike
) -> npt.NDArray[np.float32]:
    """Face parameters [T, 12]: viseme expression, the head held at the reference's pose."""
    reference = np.asarray(reference_params, dtype=np.float64)
    if reference.shape != (12,):
        raise ValueError(f"need the reference's 12 face parameters, got {reference.shape}")
    expression = viseme_coefficients(table, phonemes, durations, reference)
    pose = np.repeat(reference[None, N_COEFFICIENTS:], len(expression), axis=0)
    return np.concatenate([expression, pose], axis=1).astype(np.float32)

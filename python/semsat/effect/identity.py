"""Identity preservation: distance and cosine similarity (CSIM) of dlib's 128-d face descriptors between
reference and output frames.

Both are reported: dlib's descriptors are not zero-mean, so their cosines bunch near 1 (0.84-0.87 even for
non-faces) and CSIM separates people poorly; the L2 distance, with dlib's same-person threshold of 0.6,
separates better (different GRID speakers 0.64-0.93). A descriptor costs ~75 ms per face, so the metric runs
on every ``IDENTITY_STEP``-th frame; the face is detected anew in every frame it looks at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..vision.dlib_face import identity_embedding
from .face_detection import find_face
from .frames import as_frames

IDENTITY_STEP = 5  # 15 descriptors for a 3-s clip at 25 fps
EMBEDDING_DIM = 128


@dataclass(frozen=True)
class IdentityResult:
    """Per-frame scores on the subsampled frames where both faces were found, and their means."""

    distance: float  # mean L2 distance; NaN when no frame has both faces
    csim: float  # mean cosine similarity
    per_frame_distance: npt.NDArray[np.float64]  # [K], NaN where either face is missing
    per_frame_csim: npt.NDArray[np.float64]  # [K]
    frame_indices: npt.NDArray[np.int64]  # [K] frames of the clip the scores belong to
    n_missing: int


def subsample(n_frames: int, step: int = IDENTITY_STEP) -> npt.NDArray[np.int64]:
    """The frames identity is measured on: 0, step, 2*step, ..."""
    if step < 1:
        raise ValueError(f"step must be >= 1, got {step}")
    return np.arange(0, n_frames, step, dtype=np.int64)


def clip_embeddings(frames: npt.ArrayLike, frame_indices: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Descriptors [K, 128] of the face in each selected frame; NaN rows where no face is found."""
    stack = as_frames(frames)
    indices = np.asarray(frame_indices, dtype=np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= stack.shape[0]):
        raise ValueError(
            f"frame indices must lie in [0, {stack.shape[0]}), got {indices.min()}..{indices.max()}"
        )
    embeddings = np.full((indices.size, EMBEDDING_DIM), np.nan, dtype=np.float32)
    for k, t in enumerate(indices):
        box = find_face(stack[t])
        if box is not None:
            embeddings[k] = identity_embedding(stack[t], box)
    return embeddings


def identity_scores(
    ref_embeddings: npt.ArrayLike, out_embeddings: npt.ArrayLike, frame_indices: npt.ArrayLike
) -> IdentityResult:
    """Distance and CSIM between descriptors of the same frames of reference and output."""
    ref = np.asarray(ref_embeddings, dtype=np.float64)
    out = np.asarray(out_embeddings, dtype=np.float64)
    indices = np.asarray(frame_indices, dtype=np.int64)
    if ref.ndim != 2 or ref.shape[1] != EMBEDDING_DIM or ref.shape != out.shape or len(indices) != len(ref):
        raise ValueError(
            f"descriptors must be two [K, {EMBEDDING_DIM}] arrays with K frame indices, got "
            f"{ref.shape}, {out.shape} and {indices.shape}"
        )
    found = ~(np.isnan(ref).any(axis=1) | np.isnan(out).any(axis=1))
    distance = np.full(len(ref), np.nan)
    csim = np.full(len(ref), np.nan)
    distance[found] = np.linalg.norm(ref[found] - out[found], axis=1)
    csim[found] = np.sum(ref[found] * out[found], axis=1) / (
        np.linalg.norm(ref[found], axis=1) * np.linalg.norm(out[found], axis=1)
    )
    any_found = bool(found.any())
    return IdentityResult(
        float(distance[found].mean()) if any_found else float("nan"),
        float(csim[found].mean()) if any_found else float("nan"),
        distance,
        csim,
        indices,
        int((~found).sum()),
    )

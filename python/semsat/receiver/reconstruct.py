"""The pluggable reconstruction step: an assembled clip's semantics (+ the knowledge base) → video and speech.

Any callable ``(clip, kb) -> Reconstruction`` is a Reconstructor, ``kb`` being the receiver's
semantic.kb.KnowledgeBase (or None); the app picks one by mode from a dict (``reconstructors()``), so plugging
in the real V2A or A2V reconstructor is one line there. ``FrozenReconstructor`` is the baseline every figure
is compared with, and the fallback while the real renderer is unavailable: the speaker's reference frame from
the KB (or a given frame) held for every frame, with silence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from ..media.clip import DEFAULT_SAMPLE_RATE
from ..media.face_crop import CROP_SIZE
from .assembler import AssembledClip

if TYPE_CHECKING:
    from ..semantic.kb import KnowledgeBase

NEUTRAL_GRAY = 128


class Reconstruction(NamedTuple):
    frames: npt.NDArray[np.uint8]  # [T, 256, 256, 3] RGB
    audio: npt.NDArray[np.float32]  # mono
    sample_rate: int


class Reconstructor(Protocol):
    def __call__(self, clip: AssembledClip, kb: KnowledgeBase | None) -> Reconstruction: ...


class FrozenReconstructor:
    """Baseline and fallback: the reference frame repeated for every frame, and silence.

    The frame is the KB's reference frame of the clip's speaker; without a KB (or an entry for the speaker),
    ``fallback_frame`` (e.g. the first face crop of a reference clip), else a neutral gray frame.
    """

    def __init__(self, fallback_frame: npt.NDArray[np.uint8] | None = None) -> None:
        self.fallback_frame = fallback_frame

    def __call__(self, clip: AssembledClip, kb: KnowledgeBase | None) -> Reconstruction:
        record = kb.get(clip.speaker) if kb is not None and clip.speaker else None
        frame = record.reference_frame if record is not None else self.fallback_frame
        if frame is None:
            frame = np.full((CROP_SIZE, CROP_SIZE, 3), NEUTRAL_GRAY, np.uint8)
        if frame.shape != (CROP_SIZE, CROP_SIZE, 3):
            raise ValueError(f"reference frame must be {CROP_SIZE}x{CROP_SIZE}x3, got {frame.shape}")
        frames = np.broadcast_to(frame.astype(np.uint8), (clip.n_frames, *frame.shape))
        n_samples = int(round(clip.n_frames / clip.fps * DEFAULT_SAMPLE_RATE))
        return Reconstruction(
            np.ascontiguousarray(frames), np.zeros(n_samples, np.float32), DEFAULT_SAMPLE_RATE
        )


def reconstructors(reconstructor: Reconstructor) -> dict[str, Reconstructor]:
    """The reconstructor of each mode: semsat-reconstruct uses semantic_reconstructors.SemanticReconstructor
    (V2A and A2V generation, frozen fallback for speakers without a KB record)."""
    return {"V2A": reconstructor, "A2V": reconstructor}

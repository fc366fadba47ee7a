"""The encoder settings that fit a symbol budget: the sender tries coded sizes and frame steps, finds for
each the lowest CRF (best quality) whose bitstream fits, and keeps the one whose own reconstruction has the
highest PSNR against the clip, as a rate-distortion choice an encoder makes with the original at hand.

Candidates: 64-160 px squares (the 256 px crop would cost 4x the bytes of 128 px for the same CRF) and
steps 1, 2, 3, 5 (25 down to 5 coded frames per second: at ~600 bytes per clip even a skipped P-frame costs
~17-20 bytes, so a lower frame rate buys picture quality).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..effect.image_quality import psnr
from .chunking import stream_symbols
from .video_codec import VideoSettings, decode, encode

SIZES = (64, 96, 128, 160)
STEPS = (1, 2, 3, 5)
CRF_RANGE = (10, 51)


class BudgetError(ValueError):
    """Not even the coarsest settings fit the symbol budget."""


@dataclass(frozen=True)
class FittedVideo:
    settings: VideoSettings
    units: list[bytes]
    reconstruction: npt.NDArray[np.uint8]  # what the receiver shows when every packet arrives
    psnr_db: float  # of the reconstruction against the clip

    @property
    def stream(self) -> bytes:
        return b"".join(self.units)

    @property
    def symbols(self) -> int:
        return stream_symbols(len(self.stream))


def _lowest_fitting_crf(
    frames: npt.NDArray[np.uint8], codec: str, size: int, step: int, budget: int
) -> tuple[int, list[bytes]] | None:
    """Binary search on CRF (bytes fall as CRF rises) for the lowest one above CRF_RANGE[0] whose stream
    fits, with its access units; None when even the highest does not."""
    low, high = CRF_RANGE
    units = encode(frames, VideoSettings(codec, size, step, high))
    if stream_symbols(len(b"".join(units))) > budget:
        return None
    best = (high, units)
    while high - low > 1:
        middle = (low + high) // 2
        units = encode(frames, VideoSettings(codec, size, step, middle))
        if stream_symbols(len(b"".join(units))) <= budget:
            high, best = middle, (middle, units)
        else:
            low = middle
    return best


def fit_to_budget(frames: npt.NDArray[np.uint8], codec: str, budget_symbols: int) -> FittedVideo:
    """The best-PSNR settings among the candidates whose stream fits ``budget_symbols`` channel symbols."""
    n_frames, frame_size = frames.shape[0], frames.shape[1]
    best: FittedVideo | None = None
    for size in SIZES:
        for step in STEPS:
            found = _lowest_fitting_crf(frames, codec, size, step, budget_symbols)
            if found is None:
                continue
            settings = VideoSettings(codec, size, step, found[0])
            shown = decode(settings, found[1], n_frames, frame_size).frames
            quality = psnr(frames, shown).mean
            if best is None or quality > best.psnr_db:
                best = FittedVideo(settings, found[1], shown, quality)
    if best is None:
        raise BudgetError(f"no {codec} settings fit {budget_symbols} symbols for {n_frames} frames")
    return best

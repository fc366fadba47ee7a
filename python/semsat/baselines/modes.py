"""One call per baseline mode for semsat-link and the benchmark: the budget each mode gets follows from the
clip's V2A symbols (H.264/H.265 ten times them, SVC the same count), as the issue compares them."""

from __future__ import annotations

from ..media.clip import Clip
from ..semantic.features import ClipFeatures
from .budget import H26X_BUDGET_FACTOR, v2a_symbols
from .carry import AnalogCarry, DigitalCarry
from .codec2_audio import DEFAULT_MODE
from .h26x import run_h26x
from .keypoint_codebook import KeypointCodebook
from .result import BaselineResult
from .svc import run_svc

MODES = ("svc", "h264", "h265")


def run_baseline(
    mode: str,
    clip: Clip,
    features: ClipFeatures,
    digital_carry: DigitalCarry,
    analog_carry: AnalogCarry | None = None,
    codebook: KeypointCodebook | None = None,
    audio_mode: str | None = DEFAULT_MODE,
) -> BaselineResult:
    """``clip``: the 256x256 crops and audio of the clip whose clean ``features`` V2A would send (its
    landmarks are SVC's keypoints). SVC needs ``analog_carry`` and ``codebook``; audio goes through codec2
    over ``digital_carry`` unless ``audio_mode`` is None."""
    budget = v2a_symbols(features)
    if mode in ("h264", "h265"):
        return run_h26x(mode, clip, digital_carry, H26X_BUDGET_FACTOR * budget, audio_mode=audio_mode)
    if mode == "svc":
        if analog_carry is None or codebook is None:
            raise ValueError("SVC needs an analog carry and a keypoint codebook (baselines.grid_codebook)")
        if audio_mode is None:
            return run_svc(clip, features.landmarks68, analog_carry, budget, codebook)
        return run_svc(clip, features.landmarks68, analog_carry, budget, codebook, digital_carry, audio_mode)
    raise ValueError(f"unknown baseline {mode!r}; one of {', '.join(MODES)}")

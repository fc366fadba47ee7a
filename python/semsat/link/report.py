"""What every semsat-link report shares, whatever the mode (V2A, A2V or a baseline): the output clip scored
against the input (semsat.effect.evaluate, each metric beside the frozen baseline), the received speech's
lag against the original lips, the clip's header and the channel's description."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ..effect.akd import frame_landmarks
from ..effect.av_offset import av_offset
from ..effect.evaluate import asr_transcribe, evaluate
from ..media.clip import Clip, read_clip
from .flowgraph import ChannelConfig
from .sender import SenderClip

REPORT_METRICS = (
    "akd_px",
    "mouth_akd_px",
    "psnr_db",
    "ssim",
    "csim",
    "identity_distance",
    "wer",
    "av_offset_frames",
    "speech_vs_original_lips",
)


@dataclass(frozen=True)
class Scoring:
    enabled: bool = True  # False: no evaluation (the report's metrics are empty)
    wer: bool = True
    asr_grammar: str | None = None  # "grid": WER with the ASR constrained to GRID sentences


@dataclass
class Scored:
    received: Clip  # the output mp4 as read back
    metrics: dict[str, object]  # REPORT_METRICS, None where not computed
    seconds: float


def score_output(sender: SenderClip, output: Path, scoring: Scoring) -> Scored:
    """The written ``output`` read back and scored against the sender's input clip."""
    start = time.perf_counter()
    received = read_clip(output)
    result: dict = {"metrics": {}}
    if scoring.enabled:
        features = sender.features
        result = evaluate(
            sender.clip,
            received,
            reference_text=features.text,
            transcribe=partial(asr_transcribe, grammar=scoring.asr_grammar) if scoring.wer else None,
            crop_boxes=features.crop_boxes,
        )
        result["metrics"]["speech_vs_original_lips"] = lips_offset(sender, received)
    metrics = {name: result["metrics"].get(name) for name in REPORT_METRICS}
    return Scored(received, metrics, time.perf_counter() - start)


def lips_offset(sender: SenderClip, received: Clip) -> dict[str, object]:
    """The received speech's lag against the ORIGINAL lips (issue 4's sync measure): evaluate's own offset
    pairs the output's audio with the output's mouth, which a small rendered mouth motion leaves undefined."""
    offset = av_offset(frame_landmarks(sender.crops), received.audio, received.sample_rate, received.fps)
    correlation = float(offset.peak_correlation)
    return {
        "lag_frames": offset.lag_frames,
        "peak_correlation": correlation if np.isfinite(correlation) else None,
        "why_missing": offset.reason,
    }


def clip_header(sender: SenderClip, mode: str, output: Path) -> dict[str, object]:
    features = sender.features
    return {
        "input": sender.clip.source,
        "output": str(output),
        "mode": mode,
        "frames": features.n_frames,
        "fps": features.fps,
        "text_sent": features.text,
    }


def channel_section(channel: ChannelConfig) -> dict[str, object]:
    up, down = channel.link_snrs_db()
    return {
        "model": f"NTN-TDL-{channel.model}",
        "snr_db": channel.snr_db,
        "uplink_snr_db": up,
        "downlink_snr_db": down,
        "seed": channel.seed,
        **channel.geometry.summary(),
    }

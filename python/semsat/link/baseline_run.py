"""A semsat-link run of a baseline (SVC, H.264+LDPC, H.265+LDPC; audio by codec2) over the same satellite
channel as V2A and A2V: the link's bulk Doppler, uplink and downlink NTN-TDL channels (with the slant-range
delay) and the terminal's Doppler pre-compensation, at the same end-to-end SNR, between the same OFDM
mapper and demapper (python/semsat/baselines; docs/baselines.md).

The baselines' packets cross that chain through the baselines' own carries (CRC + LDPC + QPSK for the H.26x
bitstream and codec2; analog OFDM frames for SVC's keypoints); each stream gets its own fading
realisation. The receiver's picture and speech become ``-o OUT.mp4``, scored as V2A/A2V's are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from gnuradio import gr

from ..baselines.carry import analog_ofdm_carry, digital_ofdm_carry
from ..baselines.grid_codebook import grid_codebook
from ..baselines.keypoint_codebook import KeypointCodebook
from ..baselines.modes import run_baseline
from ..baselines.result import BaselineResult
from ..media.clip import Clip
from ..media.writer import write_clip
from ..testing_media import MEDIA_ENV, media_dir
from .flowgraph import ChannelConfig, channel_blocks
from .report import Scoring, channel_section, clip_header, score_output
from .sender import SenderClip


@dataclass(frozen=True)
class SatelliteChannel:
    """The link's channel chain (flowgraph.LinkFlowgraph's) as the baselines' carries take it: blocks for
    one realisation, and ``reseeded`` for another (one per stream)."""

    config: ChannelConfig

    @property
    def seed(self) -> int:
        return self.config.seed

    def reseeded(self, offset: int) -> SatelliteChannel:
        return SatelliteChannel(replace(self.config, seed=self.config.seed + offset))

    def blocks(self) -> list[gr.basic_block]:
        return channel_blocks(self.config)


def svc_codebook(input_path: Path) -> KeypointCodebook:
    """SVC's keypoint PCA, fitted on the GRID development clips as both ends hold it (the input's own clip
    left out when it is one of them)."""
    media = media_dir()
    if media is None:
        raise ValueError(
            f"--mode svc needs the GRID development clips for its keypoint codebook: set {MEDIA_ENV}"
        )
    return grid_codebook(media, exclude=input_path.stem)


def crops_clip(sender: SenderClip) -> Clip:
    """What a baseline sends: the 256x256 face crops (the extraction's boxes) and the clip's audio."""
    clip = sender.clip
    return Clip(sender.crops, clip.fps, clip.audio, clip.sample_rate, clip.source)


def run_baseline_link(
    sender: SenderClip, mode: str, channel: ChannelConfig, output: Path, scoring: Scoring
) -> tuple[dict, np.ndarray]:
    """Sends the clip the ``mode`` way, writes ``output`` (mp4: the received video and codec2 speech) and
    returns the report and the received frames as written."""
    codebook = svc_codebook(Path(sender.clip.source)) if mode == "svc" else None
    link = SatelliteChannel(channel)
    start = time.perf_counter()
    result = run_baseline(
        mode,
        crops_clip(sender),
        sender.features,
        digital_ofdm_carry(link),
        analog_ofdm_carry(link),
        codebook,
    )
    link_s = time.perf_counter() - start
    audio = result.audio
    write_clip(
        output,
        result.frames,
        sender.clip.fps,
        audio.audio if audio is not None else None,
        audio.sample_rate if audio is not None else sender.clip.sample_rate,
    )
    speech_arrived = audio is not None and audio.lost_share < 1.0
    scored = score_output(sender, output, replace(scoring, wer=scoring.wer and speech_arrived))
    report = baseline_report(sender, mode, channel, output, result, link_s)
    report["metrics"] = scored.metrics
    report["runtime"]["evaluation_s"] = scored.seconds
    return report, scored.received.frames


def baseline_report(
    sender: SenderClip, mode: str, channel: ChannelConfig, output: Path, result: BaselineResult, link_s: float
) -> dict:
    frames = sender.features.n_frames
    seconds = frames / sender.features.fps
    audio = result.audio
    return {
        **clip_header(sender, mode, output),
        "channel": channel_section(channel),
        "symbols": {
            "per_stream": result.symbols,
            "total": result.total_symbols,
            "per_second": result.total_symbols / seconds,
        },
        "baseline": {
            **result.details,
            "frames_lost_share": result.lost_share,
            "audio_frames_lost_share": audio.lost_share if audio is not None else None,
        },
        "runtime": {
            "extraction_s": sender.extraction_seconds,
            "link_s": link_s,
            "link_ms_per_frame": 1e3 * link_s / frames,
            "link_realtime_factor": seconds / link_s,
        },
    }

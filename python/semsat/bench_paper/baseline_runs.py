"""SVC, H.264+LDPC and H.265+LDPC for the benchmark over semsat-link's satellite channel
(link.baseline_run.SatelliteChannel), video only (table (b) scores pictures; codec2's cost is counted
once per clip for table (a)). The H.26x encoder settings are fitted once per clip (the sender's choice does
not depend on the channel) and SVC's codebook leaves the clip's own speaker out.

Runtime per frame: the sender is one encode at the fitted settings (H.26x) or the keypoint projection
(SVC); the receiver is everything after the channel (reassembly, decoding, warping), i.e. the run's time
less the time spent in the channel simulation (the carry, timed apart)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..baselines.budget import H26X_BUDGET_FACTOR, v2a_symbols
from ..baselines.carry import analog_ofdm_carry, digital_ofdm_carry
from ..baselines.codec2_audio import DEFAULT_MODE, run_codec2
from ..baselines.h26x import run_h26x
from ..baselines.keypoint_codebook import KeypointCodebook
from ..baselines.rate_fit import FittedVideo, fit_to_budget
from ..baselines.svc import run_svc, symbols_per_frame
from ..baselines.video_codec import encode
from ..link.baseline_run import SatelliteChannel, crops_clip
from ..link.flowgraph import ChannelConfig
from ..link.sender import SenderClip

H26X = ("h264", "h265")


@dataclass
class BaselineRun:
    frames: npt.NDArray[np.uint8]
    lost_share: float
    symbols: int  # video (or keypoints) channel symbols
    link_s: float  # in the channel simulation (carry)
    receiver_s: float


class TimedCarry:
    """A carry whose calls are timed: the channel simulation is neither the sender's nor the receiver's."""

    def __init__(self, carry) -> None:
        self.carry, self.seconds = carry, 0.0

    def __call__(self, packets: Sequence, stream_id: int):
        start = time.perf_counter()
        try:
            return self.carry(packets, stream_id)
        finally:
            self.seconds += time.perf_counter() - start


class BaselineSender:
    """One clip's baseline encoders: the fitted H.26x streams, the SVC codebook; their costs per frame."""

    def __init__(self, sender: SenderClip, codebook: KeypointCodebook, methods: Sequence[str]) -> None:
        self.clip = crops_clip(sender)
        self.features = sender.features
        self.codebook = codebook
        self.budget = v2a_symbols(sender.features)
        self.fitted: dict[str, FittedVideo] = {}
        self.sender_s: dict[str, float] = {}
        for method in methods:
            if method in H26X:
                self.fitted[method] = fit_to_budget(
                    self.clip.frames, method, H26X_BUDGET_FACTOR * self.budget
                )
                start = time.perf_counter()
                encode(self.clip.frames, self.fitted[method].settings)
                self.sender_s[method] = time.perf_counter() - start
            else:
                start = time.perf_counter()
                codebook.encode(self.features.landmarks68, 2 * self.svc_symbols_per_frame)
                self.sender_s[method] = time.perf_counter() - start

    @property
    def svc_symbols_per_frame(self) -> int:
        return symbols_per_frame(self.budget, self.features.n_frames, self.codebook)

    def values_per_frame(self, method: str) -> tuple[float, str]:
        """What the method transmits per frame: bitstream bytes (H.26x) or PCA coefficients (SVC)."""
        n = self.features.n_frames
        if method in H26X:
            return len(self.fitted[method].stream) / n, "bitstream bytes"
        return 2.0 * self.svc_symbols_per_frame, "keypoint PCA coefficients"

    def audio_symbols(self) -> int:
        """codec2's channel symbols for the clip's speech (counted over a lossless carry)."""
        clip = self.clip
        return run_codec2(clip.audio, clip.sample_rate, lambda p, _: dict(enumerate(p)), DEFAULT_MODE).symbols

    def run(self, method: str, channel: ChannelConfig) -> BaselineRun:
        link = SatelliteChannel(channel)
        start = time.perf_counter()
        if method in H26X:
            carry = TimedCarry(digital_ofdm_carry(link))
            budget = H26X_BUDGET_FACTOR * self.budget
            result = run_h26x(method, self.clip, carry, budget, audio_mode=None, fitted=self.fitted[method])
        else:
            carry = TimedCarry(analog_ofdm_carry(link))
            result = run_svc(self.clip, self.features.landmarks68, carry, self.budget, self.codebook)
        total = time.perf_counter() - start  # H.26x: already encoded; SVC: its projection is negligible
        return BaselineRun(
            result.frames, result.lost_share, result.total_symbols, carry.seconds, total - carry.seconds
        )

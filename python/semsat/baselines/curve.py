"""AKD, PSNR and lost frames of the baselines against Es/N0 on one clip: the breakdown of H.264/H.265+LDPC
below their threshold beside SVC's gradual decline. Printed by the tests, callable by the benchmark, and
drawn as a small PNG (AKD over the frames where a face is still found; the share of frames without one on a
second axis, since a gray or frozen picture has no AKD).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .budget import H26X_BUDGET_FACTOR, v2a_symbols
from .carry import analog_ofdm_carry, digital_ofdm_carry
from .channel import LinkChannel
from .h26x import run_h26x
from .keypoint_codebook import KeypointCodebook
from .rate_fit import fit_to_budget
from .scores import VideoScores, frozen, video_scores
from .svc import run_svc
from .testing_clips import GridCase


@dataclass(frozen=True)
class CurvePoint:
    method: str
    channel: str
    esn0_db: float
    seed: int
    symbols: int
    lost_share: float  # frames whose picture never arrived (held or gray)
    scores: VideoScores

    def line(self) -> str:
        return (
            f"{self.method:>5} {self.channel} {self.esn0_db:5.1f} dB seed {self.seed}: "
            f"{self.symbols} symbols, "
            f"lost {100 * self.lost_share:3.0f}%, {self.scores.line()}"
        )


def baseline_curve(
    case: GridCase,
    methods: Sequence[str] = ("h264", "h265", "svc"),
    esn0_db: Sequence[float] = (0.0, 2.0, 4.0, 8.0, 12.0, 16.0, 20.0),
    seeds: Sequence[int] = (1,),
    kind: str = "ntn-tdl-a",
    codebook: KeypointCodebook | None = None,
    original_landmarks: np.ndarray | None = None,
) -> list[CurvePoint]:
    """Every method at every Es/N0 and seed (one channel realisation each); H.26x at ten times V2A's
    symbols for the clip, SVC at V2A's (``codebook`` needed for it). Identical outputs are scored once."""
    budget = v2a_symbols(case.features)
    frames = case.clip.frames
    scored: dict[bytes, VideoScores] = {}
    points = []
    fitted = {m: fit_to_budget(frames, m, H26X_BUDGET_FACTOR * budget) for m in methods if m != "svc"}
    for method in methods:
        for snr in esn0_db:
            for seed in seeds:
                channel = LinkChannel(kind, snr, seed)
                if method == "svc":
                    if codebook is None:
                        raise ValueError("SVC needs a keypoint codebook")
                    carry = analog_ofdm_carry(channel)
                    result = run_svc(case.clip, case.features.landmarks68, carry, budget, codebook)
                else:
                    carry = digital_ofdm_carry(channel)
                    result = run_h26x(
                        method,
                        case.clip,
                        carry,
                        H26X_BUDGET_FACTOR * budget,
                        audio_mode=None,
                        fitted=fitted[method],
                    )
                key = hashlib.sha1(result.frames.tobytes()).digest()
                if key not in scored:
                    scored[key] = video_scores(frames, result.frames, original_landmarks)
                points.append(
                    CurvePoint(method, kind, snr, seed, result.total_symbols, result.lost_share, scored[key])
                )
    return points


def frozen_scores(case: GridCase, original_landmarks: np.ndarray | None = None) -> VideoScores:
    return video_scores(case.clip.frames, frozen(case.clip.frames), original_landmarks)


def plot_curve(points: Sequence[CurvePoint], path: str | Path, frozen_akd: float | None = None) -> Path:
    """AKD (solid) and face-lost share (dashed) against Es/N0, mean over seeds, one colour per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, akd_axis = plt.subplots(figsize=(5.5, 3.5), dpi=100)
    lost_axis = akd_axis.twinx()
    for method in dict.fromkeys(p.method for p in points):
        snrs = sorted({p.esn0_db for p in points if p.method == method})
        rows = [[p for p in points if p.method == method and p.esn0_db == s] for s in snrs]
        akd = [
            np.nanmean([p.scores.akd_px for p in r])
            if any(np.isfinite(p.scores.akd_px) for p in r)
            else np.nan
            for r in rows
        ]
        lost = [np.mean([max(p.lost_share, p.scores.face_lost_share) for p in r]) for r in rows]
        line = akd_axis.plot(snrs, akd, "o-", label=f"{method} AKD")[0]
        lost_axis.plot(snrs, lost, "x--", color=line.get_color(), label=f"{method} lost")
    if frozen_akd is not None:
        akd_axis.axhline(frozen_akd, color="gray", linestyle=":", label="frozen AKD")
    akd_axis.set_xlabel("Es/N0 per subcarrier, dB")
    akd_axis.set_ylabel("AKD, px (frames with a face)")
    lost_axis.set_ylabel("share of frames lost")
    lost_axis.set_ylim(-0.05, 1.05)
    akd_axis.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path

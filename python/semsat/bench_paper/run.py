"""`semsat-bench paper`: every method on every clip at every SNR (one worker process per clip, two at a
time), the KB ablation beside them, then the tables (tables.py).

Channel: NTN-TDL-A at 600 km, 45 deg elevation, Doppler pre-compensated, semsat-link's chain (uplink and
downlink fading, the SNR split between them); one fading realisation per clip and SNR (seed 1 + the clip's
index), the same for every method.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import GRID, BenchClip

METHODS = ("v2a", "a2v", "svc", "h264", "h265")
SNRS_DB = (0.0, 4.0, 8.0, 12.0, 16.0, 20.0)
QUICK_SNRS_DB = (0.0, 20.0)
ALTITUDE_M = 600e3
ELEVATION_DEG = 45.0


@dataclass(frozen=True)
class Settings:
    media: Path
    snrs_db: Sequence[float] = SNRS_DB
    methods: Sequence[str] = METHODS
    quick: bool = False
    workers: int = 2
    passes: int = 2  # the ablation's sessions per clip


@dataclass
class CurveRow:  # table (b): one method, clip and SNR
    dataset: str
    clip: str
    method: str
    snr_db: float
    seed: int
    symbols: int
    lost_share: float  # frames never shown (baselines); 0 for V2A/A2V, which render every frame
    akd_px: float
    face_lost: float
    psnr_db: float
    csim: float
    frozen_akd_px: float
    frozen_psnr_db: float
    frozen_csim: float


@dataclass
class CostRow:  # table (a): one method on one clip: symbols at the highest SNR, times the mean of its runs
    dataset: str
    clip: str
    method: str
    frames: int
    symbols_per_frame: float
    audio_symbols_per_frame: float  # codec2 beside the baselines; V2A/A2V carry speech in their semantics
    values_per_frame: float
    values: str
    sender_ms_per_frame: float
    receiver_ms_per_frame: float
    link_ms_per_frame: float


@dataclass
class ClipResult:
    curve: list[CurveRow] = field(default_factory=list)
    costs: list[CostRow] = field(default_factory=list)
    seconds: float = 0.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_clip(clip: BenchClip, index: int, settings: Settings) -> ClipResult:
    """Every method at every SNR on one clip (a worker process)."""
    import numpy as np

    from ..baselines.grid_codebook import grid_codebook
    from ..link.flowgraph import ChannelConfig
    from ..link.geometry import at_elevation
    from ..link.sender import prepare
    from .baseline_runs import BaselineSender
    from .scoring import Reference
    from .semantic_runs import semantic_link
    from .semantic_values import semantic_values_per_frame

    start = time.perf_counter()
    sender = prepare(clip.path, clip.transcript)
    n = sender.features.n_frames
    reference = Reference(sender.crops)
    frozen = reference.frozen
    baselines = [m for m in settings.methods if m not in ("v2a", "a2v")]
    coder = BaselineSender(sender, grid_codebook(settings.media, exclude=clip.name), baselines)
    link, work = semantic_link(sender)
    geometry = at_elevation(ALTITUDE_M, ELEVATION_DEG)
    seed = 1 + index
    result = ClipResult()
    timing: dict[str, list[tuple[int, float, float]]] = {m: [] for m in settings.methods}
    try:
        for snr in settings.snrs_db:
            channel = ChannelConfig("A", snr, seed, geometry)
            for method in settings.methods:
                if method in ("v2a", "a2v"):
                    run = link.run(method, channel)
                    frames, lost, symbols = run.frames, 0.0, sum(run.symbols.values())
                else:
                    run = coder.run(method, channel)
                    frames, lost, symbols = run.frames, run.lost_share, run.symbols
                timing[method].append((symbols, run.link_s, run.receiver_s))
                s = reference.score(frames[:n])
                result.curve.append(
                    CurveRow(
                        clip.dataset,
                        clip.name,
                        method,
                        snr,
                        seed,
                        symbols,
                        lost,
                        s.akd_px,
                        s.face_lost,
                        s.psnr_db,
                        s.csim,
                        frozen.akd_px,
                        frozen.psnr_db,
                        frozen.csim,
                    )  # fmt: skip
                )
                log(
                    f"  {clip.name} {method:>4} {snr:4.0f} dB: AKD {s.akd_px:5.2f} px (frozen "
                    f"{frozen.akd_px:.2f}), PSNR {s.psnr_db:5.2f} dB, CSIM {s.csim:.3f}, "
                    f"lost {100 * lost:.0f}%"
                )
    finally:
        work.cleanup()
    audio = coder.audio_symbols() / n if baselines else 0.0
    for method, runs in timing.items():
        symbols = runs[int(np.argmax(settings.snrs_db))][0]  # at the highest SNR: no retransmission
        link_s, receiver_s = (float(np.mean(v)) for v in list(zip(*runs, strict=True))[1:])
        if method in ("v2a", "a2v"):
            values, what = semantic_values_per_frame(sender.features, method)
            sender_ms, audio_symbols = float("nan"), 0.0  # the extraction: timed apart (extraction_timing)
        else:
            values, what = coder.values_per_frame(method)
            sender_ms, audio_symbols = 1e3 * coder.sender_s[method] / n, audio
        result.costs.append(
            CostRow(
                clip.dataset,
                clip.name,
                method,
                n,
                symbols / n,
                audio_symbols,
                values,
                what,
                sender_ms,
                1e3 * receiver_s / n,
                1e3 * link_s / n,
            )  # fmt: skip
        )
    result.seconds = time.perf_counter() - start
    log(f"{clip.name}: done in {result.seconds:.0f} s")
    return result


def extraction_ms_per_frame(clip: BenchClip) -> float:
    """V2A/A2V's sender: the semantic extraction of one clip (not cached), per frame."""
    from ..semantic.extract.pipeline import extract_clip

    start = time.perf_counter()
    features = extract_clip(clip.path, transcript=clip.transcript)
    return 1e3 * (time.perf_counter() - start) / features.n_frames


def run_ablation(clips: Sequence[BenchClip], passes: int):
    from ..link.sender import prepare
    from .ablation import kb_ablation
    from .scoring import Reference

    start = time.perf_counter()
    senders = {c.name: prepare(c.path, c.transcript) for c in clips}
    references = {name: Reference(s.crops) for name, s in senders.items()}
    rows = kb_ablation(clips, senders, references, passes)
    log(f"KB ablation: done in {time.perf_counter() - start:.0f} s")
    return rows


def _unit(job: tuple):
    kind, payload = job
    if kind == "clip":
        return kind, run_clip(*payload)
    if kind == "ablation":
        return kind, run_ablation(*payload)
    return kind, extraction_ms_per_frame(*payload)


def run_all(settings: Settings, clips: Sequence[BenchClip]) -> dict:
    """The work units (clips, longest first; the ablation; one uncached extraction unless quick) over
    ``settings.workers`` processes."""
    jobs: list[tuple] = [("ablation", (clips, settings.passes))]
    longest_first = sorted(enumerate(clips), key=lambda ic: ic[1].dataset == GRID)  # GRID clips are 3 s
    jobs += [("clip", (clip, index, settings)) for index, clip in longest_first]
    if not settings.quick:
        jobs.append(("extraction", (clips[0],)))
    results: dict = {"clip": [], "ablation": [], "extraction": []}
    if settings.workers <= 1:
        for job in jobs:
            kind, value = _unit(job)
            results[kind].append(value)
        return results
    with multiprocessing.get_context("spawn").Pool(settings.workers) as pool:
        for kind, value in pool.imap_unordered(_unit, jobs):
            results[kind].append(value)
    return results

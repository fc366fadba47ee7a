"""Throughput of semantic extraction (face + speech) on the development clips, one core."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .semantic.extract.pipeline import StageTimer, extract_clip


@dataclass(frozen=True)
class ExtractionTiming:
    clip: str
    frames: int
    stage_seconds: dict[str, float]

    @property
    def seconds(self) -> float:
        return sum(self.stage_seconds.values())

    @property
    def frames_per_s(self) -> float:
        return self.frames / self.seconds


def time_extraction(path: Path, engine: str = "whisper") -> ExtractionTiming:
    timer = StageTimer()
    features = extract_clip(path, engine=engine, timer=timer)
    return ExtractionTiming(path.name, features.n_frames, dict(timer.seconds))


def stage_shares(timings: list[ExtractionTiming]) -> dict[str, float]:
    """Fraction of the total time spent in each stage over all clips."""
    total = sum(t.seconds for t in timings)
    stages: dict[str, float] = {}
    for t in timings:
        for name, seconds in t.stage_seconds.items():
            stages[name] = stages.get(name, 0.0) + seconds / total
    return stages

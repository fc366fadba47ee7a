"""Receiver time per frame (V2A and A2V generation from the KB) on the development clips, one core."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .media.clip import read_clip
from .media.face_crop import crop_clip
from .media.manifest import read_manifest
from .receiver.assembler import AssembledClip, Assembler
from .receiver.clip_messages import clip_messages
from .receiver.reconstruct import FrozenReconstructor
from .receiver.semantic_reconstructors import SemanticReconstructor
from .semantic.extract.alignment import align
from .semantic.extract.pipeline import extract_clip
from .semantic.features import ClipFeatures
from .semantic.generate.voice_profile import voice_profile_from_clip
from .semantic.kb import KnowledgeBase
from .semantic.kb.reference import reference_record

# The paper's receiver times per frame (CVPR 2026, runtime table).
PAPER_SECONDS_PER_FRAME = {"V2A": 0.171, "A2V": 0.115}


@dataclass(frozen=True)
class ReconstructionTiming:
    clip: str
    mode: str
    frames: int
    seconds: float

    @property
    def seconds_per_frame(self) -> float:
        return self.seconds / self.frames


def as_received(features: ClipFeatures, mode: str) -> AssembledClip:
    """What the receiver's assembler hands over for a clip sent cleanly in ``mode``."""
    assembler = Assembler()
    clips = [
        clip
        for message in clip_messages(features, f"{features.speaker}-{mode}", mode)
        for clip in assembler.feed(message, 0.0)
    ]
    if len(clips) != 1:
        raise RuntimeError(f"the assembler let out {len(clips)} clips for one clean clip")
    return clips[0]


def prepare(media: Path, kb: KnowledgeBase) -> list[ClipFeatures]:
    """Extracts the clips with a known transcript (GRID) and stores each speaker's KB update."""
    prepared = []
    for entry in read_manifest(media):
        if entry.kind != "talking_head_av" or entry.transcript is None:
            continue
        clip = read_clip(media / entry.file)
        features = extract_clip(media / entry.file, transcript=entry.transcript)
        crops = crop_clip(clip, features.crop_boxes).frames
        voice = voice_profile_from_clip(
            clip.audio, clip.sample_rate, align(clip.audio, 16000, entry.transcript)
        )
        kb.put(reference_record(features, crops, voice.to_dict()))
        prepared.append(features)
    return prepared


def time_reconstruction(media: Path) -> list[ReconstructionTiming]:
    with tempfile.TemporaryDirectory(prefix="semsat-bench-") as tmp:
        kb = KnowledgeBase(Path(tmp) / "kb.sqlite")
        clips = prepare(media, kb)
        reconstruct = SemanticReconstructor(FrozenReconstructor())
        reconstruct(as_received(clips[0], "V2A"), kb)  # warm-up: model loading is not per-frame cost
        timings = []
        for features in clips:
            for mode in ("V2A", "A2V"):
                clip = as_received(features, mode)
                start = time.perf_counter()
                reconstruct(clip, kb)
                timings.append(
                    ReconstructionTiming(features.speaker, mode, clip.n_frames, time.perf_counter() - start)
                )
        return timings

"""A clip in, its ClipFeatures out: media decoding, face semantics, speech semantics, with stage timings."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...media.clip import Clip, read_clip
from ..features import ClipFeatures
from ..vocabulary import word_id
from .face import FaceSemantics, extract_face
from .speech import SpeechSemantics, extract_speech


@dataclass
class StageTimer:
    """Wall-clock seconds spent in each named stage, in the order the stages first ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def combine(clip: Clip, face: FaceSemantics, speech: SpeechSemantics, speaker: str = "") -> ClipFeatures:
    """The container from the two halves; the speaker handle defaults to the clip's file stem."""
    return ClipFeatures(
        fps=clip.fps,
        face_params=face.face_params.astype(np.float32),
        landmarks68=face.landmarks68.astype(np.float32),
        face_confidence=face.confidence.astype(np.float32),
        face_found=face.face_found.astype(bool),
        crop_boxes=face.crop_boxes.astype(np.float32),
        identity=face.identity.astype(np.float32),
        text=speech.text,
        words=list(speech.words),
        word_ids=np.array([word_id(w) for w in speech.words], dtype=np.int32),
        word_spans_ms=speech.word_spans_ms.astype(np.float32).reshape(-1, 2),
        phonemes=speech.phoneme_ids.astype(np.int16),
        phoneme_word_index=speech.phoneme_word_index.astype(np.int16),
        durations=speech.durations_frames.astype(np.int16),
        durations_ms=speech.durations_ms.astype(np.float32),
        pitch=speech.pitch_hz.astype(np.float32),
        energy=speech.energy_db.astype(np.float32),
        speaker=speaker or Path(clip.source).stem,
        source=clip.source,
        asr_engine=speech.asr_engine,
        mesh468=face.mesh468.astype(np.float32),
    ).validate()


def extract_clip(
    path: str | Path,
    transcript: str | None = None,
    engine: str = "whisper",
    grammar: str | None = None,
    max_frames: int | None = None,
    progress: Callable[[int], None] | None = None,
    timer: StageTimer | None = None,
) -> ClipFeatures:
    """Reads a clip and extracts its semantics; ``progress`` is called with the number of frames done."""
    timer = timer or StageTimer()
    with timer.stage("decode"):
        clip = read_clip(path, max_frames=max_frames)
    with timer.stage("face"):
        face = extract_face(clip, progress=progress)
    with timer.stage("speech"):
        speech = extract_speech(
            clip.audio, clip.sample_rate, clip.n_frames, clip.fps, transcript, engine, grammar
        )
    return combine(clip, face, speech)

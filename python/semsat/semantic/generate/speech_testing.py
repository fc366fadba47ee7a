"""The development speech corpus for the receiver-speech tests: GRID clips and speech recordings with their
true transcripts (MANIFEST.tsv), their speech semantics as the transmitter extracts them, and what
Whisper hears in the originals. Loaded once per test process."""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from ...effect.akd import frame_landmarks
from ...effect.speech_quality import word_error_rate
from ...media.clip import read_audio, read_clip
from ...testing_media import require_media
from ..extract.asr import transcribe
from ..extract.face import extract_face
from ..extract.speech import SpeechSemantics, extract_speech
from ..extract.speech_audio import SPEECH_RATE
from .voice_profile import VoiceProfile, voice_profile_from_clip

FPS = 25.0


@dataclass
class Recording:
    name: str
    transcript: str  # the true one, from MANIFEST.tsv
    audio: npt.NDArray[np.float32]  # 16 kHz
    n_frames: int
    speech: SpeechSemantics
    profile: VoiceProfile
    heard: str  # Whisper base on the original


def _manifest() -> list[dict[str, str]]:
    with open(require_media() / "MANIFEST.tsv", newline="") as table:
        rows = list(csv.DictReader(table, delimiter="\t"))
    return [r for r in rows if r["file"].startswith(("clips/grid", "speech/"))]


def _recording(row: dict[str, str]) -> Recording:
    path = require_media() / row["file"]
    if row["file"].startswith("clips/"):
        clip = read_clip(path)
        audio, n_frames = clip.audio, clip.n_frames
    else:
        audio = read_audio(path)
        n_frames = int(audio.size * FPS / SPEECH_RATE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        speech = extract_speech(audio, SPEECH_RATE, n_frames, FPS, transcript=row["transcript"])
    profile = voice_profile_from_clip(audio, SPEECH_RATE, speech)
    name = row["file"].split("/")[-1].rsplit(".", 1)[0]
    heard = transcribe(audio, SPEECH_RATE)
    return Recording(name, row["transcript"], audio, n_frames, speech, profile, heard)


@cache
def corpus() -> tuple[Recording, ...]:
    """GRID clips first, then the speech recordings."""
    return tuple(_recording(row) for row in _manifest())


@cache
def grid_landmarks(name: str) -> npt.NDArray[np.float32]:
    """dlib 68 points of every frame of a GRID clip (the original video)."""
    return frame_landmarks(read_clip(require_media() / f"clips/{name}.mpg").frames)


@cache
def grid_mouth_opening(name: str) -> npt.NDArray[np.float32]:
    """The transmitted lip motion of a GRID clip: expression coefficient 0 (mouth opening) of its face
    parameters, from the mediapipe mesh: independent of the dlib landmarks the AV offset is measured on."""
    return extract_face(read_clip(require_media() / f"clips/{name}.mpg")).face_params[:, 0]


def word_errors(transcript: str, heard: str) -> tuple[float, int]:
    """Word errors (WER times the reference's words) and the reference's word count."""
    result = word_error_rate(transcript, heard)
    words = len(result.reference.split())
    return result.wer * words, words

"""Speech semantics of a clip: text, words and phones with their timing, pitch and energy per video frame.

This is what the A2V and V2A modes transmit for speech (DESIGN.md): the receiver synthesises speech from
the phones and durations and shapes it with pitch and energy, so every timing here is on the clip's
video-frame grid as well as in milliseconds.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .alignment import align
from .asr import Engine, recognize
from .phonemes import phone_id
from .prosody import energy_per_frame, pitch_per_frame
from .speech_audio import SPEECH_RATE, as_speech_audio
from .text_normalize import normalize_words

TRANSCRIPT_ENGINE = "transcript"  # asr_engine when the caller supplied the text


@dataclass
class SpeechSemantics:
    """W words, P phones (SIL for pauses, tiling the utterance), T video frames."""

    text: str  # normalised words joined by spaces; "" when the audio holds no speech
    words: list[str]
    word_spans_ms: npt.NDArray[np.float32]  # [W, 2]
    phonemes: list[str]  # ARPAbet without stress, "SIL" for pauses
    phoneme_ids: npt.NDArray[np.int16]  # [P] ids in phonemes.PHONES
    phoneme_word_index: npt.NDArray[np.int16]  # [P] word of each phone, -1 for SIL
    phoneme_spans_ms: npt.NDArray[np.float32]  # [P, 2], contiguous over [0, utterance length]
    durations_ms: npt.NDArray[np.float32]  # [P]
    durations_frames: npt.NDArray[np.int16]  # [P] video frames per phone, summing to T (a phone may get 0)
    pitch_hz: npt.NDArray[np.float32]  # [T], 0 = unvoiced
    energy_db: npt.NDArray[np.float32]  # [T] dB re full scale
    asr_engine: str  # "whisper-base", "pocketsphinx" (+"+grid"), or "transcript"
    alignment_method: str  # "pocketsphinx"; "even" if the aligner failed; "silence" when no speech


def frames_per_phone(spans_ms: npt.NDArray[np.float32], n_frames: int, fps: float) -> npt.NDArray[np.int16]:
    """Video frames per phone, rounded on cumulative time so they sum to ``n_frames`` exactly.

    Rounding each phone on its own would drift by up to half a frame per phone; rounding the boundaries
    keeps every boundary within half a frame of its true time. The last phone ends at the last frame.
    """
    boundaries = np.round(spans_ms[:, 1].astype(np.float64) * fps / 1000.0).astype(np.int64)
    boundaries = np.clip(np.maximum.accumulate(boundaries), 0, n_frames)
    boundaries[-1] = n_frames
    return np.diff(np.concatenate([[0], boundaries])).astype(np.int16)


def extract_speech(
    audio: npt.ArrayLike,
    sample_rate: int,
    n_frames: int,
    fps: float = 25.0,
    transcript: str | None = None,
    engine: Engine = "whisper",
    grammar: str | None = None,
) -> SpeechSemantics:
    """Speech semantics of ``audio`` for a clip of ``n_frames`` video frames at ``fps``.

    Without ``transcript`` the text comes from ASR (``engine``, ``grammar`` as in asr.recognize); with it,
    only forced alignment runs. Audio without speech gives empty text and one SIL phone over the clip,
    with a warning. NaN/inf samples, a wrong shape or an impossible rate raise ValueError.
    """
    if not (isinstance(n_frames, int | np.integer) and n_frames > 0):
        raise ValueError(f"n_frames must be a positive integer, got {n_frames!r}")
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0, got {fps}")
    samples = as_speech_audio(audio, sample_rate)
    audio_s, video_s = samples.size / SPEECH_RATE, n_frames / fps
    if abs(audio_s - video_s) > 1.0 / fps:
        warnings.warn(
            f"audio lasts {audio_s:.3f} s but the video {video_s:.3f} s: phone frames are counted from the "
            "start, and the last phone absorbs the difference",
            stacklevel=2,
        )
    if transcript is None:
        recognition = recognize(samples, SPEECH_RATE, engine, grammar)
        text, asr_engine = recognition.text, recognition.engine
    else:
        text, asr_engine = transcript, TRANSCRIPT_ENGINE
    alignment = align(samples, SPEECH_RATE, text)
    if alignment.method == "silence":
        no_words = transcript is not None and not normalize_words(transcript)
        reason = "the transcript has no words for" if no_words else "no speech found in"
        warnings.warn(f"{reason} {audio_s:.2f} s of audio: empty text and a single SIL phone", stacklevel=2)
    spans = alignment.phone_spans_ms
    return SpeechSemantics(
        text=" ".join(alignment.words),
        words=list(alignment.words),
        word_spans_ms=alignment.word_spans_ms,
        phonemes=list(alignment.phones),
        phoneme_ids=np.array([phone_id(p) for p in alignment.phones], np.int16),
        phoneme_word_index=alignment.phone_word_index,
        phoneme_spans_ms=spans,
        durations_ms=(spans[:, 1] - spans[:, 0]).astype(np.float32),
        durations_frames=frames_per_phone(spans, n_frames, fps),
        pitch_hz=pitch_per_frame(samples, SPEECH_RATE, n_frames, fps),
        energy_db=energy_per_frame(samples, SPEECH_RATE, n_frames, fps),
        asr_engine=asr_engine,
        alignment_method=alignment.method,
    )

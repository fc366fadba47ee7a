"""A2V speech: the transmitted text, phones and durations (+ coarse pitch) → speech with those timings.

flite reads the text in the speaker's flite voice, its rate pre-matched to the target's speech length;
pocketsphinx aligns that reading; the WORLD time-warp moves every phone onto its transmitted span and sets
the speaker's pitch (dependencies.md, "Best intelligibility"). The video is then driven from this speech.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..extract.alignment import align, enforce_min_duration
from ..extract.phonemes import PHONES, SILENCE, phone_id
from ..extract.speech_audio import SPEECH_RATE
from ..extract.text_normalize import normalize_words
from .speech_energy import match_energy
from .time_warp import DEFAULT_TILT, PitchTarget, warp_to_spans
from .tts import MAX_STRETCH, MIN_STRETCH, synthesize
from .voice_profile import VoiceProfile

LEVEL_WINDOW_MS = 10.0
# Durations in video frames give 0 frames to short phones; a phone squeezed to nothing is not heard, so
# each gets at least this much, taken from its longer neighbours (boundaries move by at most this much).
MIN_TARGET_PHONE_MS = 20.0
SPEECH_LEVEL_BELOW_PEAK_DB = 35.0


def phone_names(phonemes: Sequence[str | int]) -> list[str]:
    """ARPAbet names from names or ids; ValueError for an unknown phone."""
    names: list[str] = []
    for phone in phonemes:
        if isinstance(phone, str):
            names.append(PHONES[phone_id(phone)])  # ValueError for an unknown name
        elif 0 <= int(phone) < len(PHONES):
            names.append(PHONES[int(phone)])
        else:
            raise ValueError(f"phone id {phone} is outside 0..{len(PHONES) - 1}")
    return names


def spans_from_durations(durations_ms: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """[P, 2] contiguous spans from P durations; ValueError for negative or non-finite durations."""
    durations = np.asarray(durations_ms, np.float64).reshape(-1)
    if durations.size == 0 or not np.all(np.isfinite(durations)) or np.any(durations < 0):
        raise ValueError("durations must be one or more finite values >= 0")
    ends = np.cumsum(durations)
    return np.stack([ends - durations, ends], axis=1)


def speech_length_ms(audio: npt.NDArray[np.float32]) -> float:
    """From the first to the last 10 ms window within SPEECH_LEVEL_BELOW_PEAK_DB of the loudest."""
    window = int(SPEECH_RATE * LEVEL_WINDOW_MS / 1000)
    n = audio.size // window
    if n == 0:
        return 0.0
    level = 10 * np.log10(np.mean(np.square(audio[: n * window].reshape(n, window)), axis=1) + 1e-20)
    loud = np.flatnonzero(level > level.max() - SPEECH_LEVEL_BELOW_PEAK_DB)
    return float(loud[-1] - loud[0] + 1) * LEVEL_WINDOW_MS


def rate_matched_reading(text: str, voice: str, target_speech_ms: float) -> npt.NDArray[np.float32]:
    """flite's reading of ``text``, slowed or sped up so its speech lasts about ``target_speech_ms``."""
    plain = synthesize(text, voice)
    natural_ms = speech_length_ms(plain)
    if natural_ms <= 0 or target_speech_ms <= 0:
        return plain
    stretch = float(np.clip(target_speech_ms / natural_ms, MIN_STRETCH, MAX_STRETCH))
    return synthesize(text, voice, stretch)


def speech_on_spans(
    text: str,
    phones: list[str],
    spans_ms: npt.NDArray[np.float64],
    profile: VoiceProfile,
    pitch: PitchTarget,
    tilt_strength: float = DEFAULT_TILT,
) -> npt.NDArray[np.float32]:
    """Speech of ``text`` with ``phones`` on ``spans_ms``; silence of that length when there is no word."""
    total_ms = float(spans_ms[-1, 1])
    silence = np.zeros(int(round(total_ms * SPEECH_RATE / 1000.0)), np.float32)
    words = normalize_words(text)
    spoken = [i for i, p in enumerate(phones) if p != SILENCE]
    if not words or not spoken or total_ms <= 0:
        return silence
    target_speech_ms = float(spans_ms[spoken[-1], 1] - spans_ms[spoken[0], 0])
    reading = rate_matched_reading(" ".join(words), profile.flite_voice, target_speech_ms)
    source = align(reading, SPEECH_RATE, " ".join(words))
    if source.method == "silence":
        return silence
    return warp_to_spans(
        reading, source, phones, spans_ms, pitch, profile.spectral_envelope_db, tilt_strength
    )


def synthesize_a2v(
    text: str,
    phonemes: Sequence[str | int],
    durations: npt.ArrayLike,
    profile: VoiceProfile,
    *,
    durations_in: str = "frames",
    fps: float = 25.0,
    pitch_hz: npt.ArrayLike | None = None,
    energy_db: npt.ArrayLike | None = None,
    tilt_strength: float = DEFAULT_TILT,
) -> npt.NDArray[np.float32]:
    """16 kHz speech lasting the sum of ``durations`` (video frames at ``fps``, or ms with durations_in="ms"),
    each phone of ``phonemes`` on its transmitted span, in the voice of ``profile``.

    ``pitch_hz`` (per video frame, 0 unvoiced) makes the F0 follow the transmitted contour; without it F0 is
    flite's contour moved to the speaker's median. ``energy_db`` (per video frame) gives the speech the
    transmitted loudness contour. Empty text gives silence of the right length.
    """
    if durations_in not in ("frames", "ms"):
        raise ValueError(f"durations_in must be 'frames' or 'ms', got {durations_in!r}")
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0, got {fps}")
    phones = phone_names(phonemes)
    scale = 1000.0 / fps if durations_in == "frames" else 1.0
    spans = spans_from_durations(np.asarray(durations, np.float64) * scale)
    bounds = enforce_min_duration(np.append(spans[:, 0], spans[-1, 1]), MIN_TARGET_PHONE_MS)
    spans = np.stack([bounds[:-1], bounds[1:]], axis=1)
    if len(phones) != spans.shape[0]:
        raise ValueError(f"{len(phones)} phonemes but {spans.shape[0]} durations")
    contour = None if pitch_hz is None else np.asarray(pitch_hz, np.float32).reshape(-1)
    if contour is not None and not np.all(np.isfinite(contour)):
        raise ValueError("pitch_hz holds NaN or inf")
    pitch = PitchTarget(profile.f0_median_hz, contour, fps)
    speech = speech_on_spans(text, phones, spans, profile, pitch, tilt_strength)
    return speech if energy_db is None or not speech.any() else match_energy(speech, energy_db, fps)

"""A speaker's voice profile: pitch level and range, speaking rate, mean spectral envelope, flite voice.

The transmitter measures it once per speaker from a clip and its speech semantics (or alignment); both
knowledge bases store it (``to_dict`` gives plain JSON values); the receiver shapes synthetic speech to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyworld

from ..extract.alignment import Alignment
from ..extract.phonemes import SILENCE
from ..extract.prosody import f0_track
from ..extract.speech import SpeechSemantics
from ..extract.speech_audio import SPEECH_RATE, as_speech_audio

ENVELOPE_FFT = 1024
ENVELOPE_BINS = ENVELOPE_FFT // 2 + 1
F0_FRAME_MS = 5.0
# Speaking voices below this median F0 get flite's male voice, above it the female one.
MALE_FEMALE_F0_HZ = 165.0
MALE_VOICE, FEMALE_VOICE = "kal16", "slt"
DEFAULT_F0_HZ = {MALE_VOICE: 120.0, FEMALE_VOICE: 210.0}
DEFAULT_RATE_PHONES_PER_S = 12.0


@dataclass
class VoiceProfile:
    f0_median_hz: float
    f0_p10_hz: float
    f0_p90_hz: float
    speaking_rate_phones_per_s: float
    spectral_envelope_db: npt.NDArray[np.float32]  # [513] mean 10*log10 CheapTrick power, voiced frames
    flite_voice: str

    def __post_init__(self) -> None:
        envelope = np.asarray(self.spectral_envelope_db, np.float32)
        if envelope.shape != (ENVELOPE_BINS,) or not np.all(np.isfinite(envelope)):
            raise ValueError(
                f"spectral_envelope_db must be {ENVELOPE_BINS} finite values, got {envelope.shape}"
            )
        values = (self.f0_median_hz, self.f0_p10_hz, self.f0_p90_hz, self.speaking_rate_phones_per_s)
        if not all(np.isfinite(v) and v > 0 for v in values):
            raise ValueError(f"voice profile F0 and rate must be positive, got {values}")
        self.spectral_envelope_db = envelope

    def to_dict(self) -> dict[str, Any]:
        """Plain floats, a list and a string: JSON-ready."""
        return {
            "f0_median_hz": float(self.f0_median_hz),
            "f0_p10_hz": float(self.f0_p10_hz),
            "f0_p90_hz": float(self.f0_p90_hz),
            "speaking_rate_phones_per_s": float(self.speaking_rate_phones_per_s),
            "spectral_envelope_db": [float(v) for v in self.spectral_envelope_db],
            "flite_voice": self.flite_voice,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> VoiceProfile:
        try:
            return cls(
                f0_median_hz=float(values["f0_median_hz"]),
                f0_p10_hz=float(values["f0_p10_hz"]),
                f0_p90_hz=float(values["f0_p90_hz"]),
                speaking_rate_phones_per_s=float(values["speaking_rate_phones_per_s"]),
                spectral_envelope_db=np.asarray(values["spectral_envelope_db"], np.float32),
                flite_voice=str(values["flite_voice"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a voice profile dict: {error}") from None


def voice_for_f0(f0_median_hz: float) -> str:
    return MALE_VOICE if f0_median_hz < MALE_FEMALE_F0_HZ else FEMALE_VOICE


def mean_envelope_db(audio: npt.NDArray[np.float64], f0: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """Mean of 10*log10 CheapTrick envelopes over voiced 5 ms frames (flat -100 dB when none)."""
    voiced = f0 > 0
    if not voiced.any():
        return np.full(ENVELOPE_BINS, -100.0, np.float32)
    times = np.arange(f0.size) * F0_FRAME_MS / 1000.0
    envelope = pyworld.cheaptrick(audio, f0, times, SPEECH_RATE, fft_size=ENVELOPE_FFT)
    return np.mean(10 * np.log10(envelope[voiced] + 1e-20), axis=0).astype(np.float32)


def _speaking_rate(phones: list[str], spans_ms: npt.NDArray[np.float32]) -> float:
    speech = [i for i, p in enumerate(phones) if p != SILENCE]
    seconds = float(np.sum(spans_ms[speech, 1] - spans_ms[speech, 0])) / 1000.0 if speech else 0.0
    return len(speech) / seconds if seconds > 0 else DEFAULT_RATE_PHONES_PER_S


def voice_profile_from_clip(
    audio: npt.ArrayLike, sample_rate: int, speech: SpeechSemantics | Alignment
) -> VoiceProfile:
    """The profile of the speaker of ``audio``; a default male profile for audio without voiced speech."""
    samples = as_speech_audio(audio, sample_rate).astype(np.float64)
    f0 = f0_track(samples.astype(np.float32))
    voiced = f0[f0 > 0]
    if isinstance(speech, SpeechSemantics):
        phones, spans = speech.phonemes, speech.phoneme_spans_ms
    else:
        phones, spans = speech.phones, speech.phone_spans_ms
    rate = _speaking_rate(phones, np.asarray(spans, np.float32))
    if voiced.size < 10:
        median = DEFAULT_F0_HZ[MALE_VOICE]
        return VoiceProfile(
            median, median * 0.8, median * 1.25, rate, mean_envelope_db(samples, f0), MALE_VOICE
        )
    p10, median, p90 = (float(v) for v in np.percentile(voiced, [10, 50, 90]))
    return VoiceProfile(median, p10, p90, rate, mean_envelope_db(samples, f0), voice_for_f0(median))


def default_voice_profile() -> VoiceProfile:
    """A neutral male voice for a speaker whose knowledge-base record carries no profile (flat envelope:
    the envelope tilt is off by default, so only F0 and the flite voice matter)."""
    median = DEFAULT_F0_HZ[MALE_VOICE]
    flat = np.zeros(ENVELOPE_BINS, np.float32)
    return VoiceProfile(median, median * 0.8, median * 1.25, DEFAULT_RATE_PHONES_PER_S, flat, MALE_VOICE)

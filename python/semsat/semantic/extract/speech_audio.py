"""Checks and conversions shared by the speech extractors: finite mono audio at 16 kHz, speech presence.

Every engine below (Whisper, pocketsphinx, WORLD) wants 16 kHz mono; pocketsphinx wants 16-bit PCM. Bad
input is refused here with a message instead of surfacing as a crash inside a C library.
"""

from __future__ import annotations

from math import gcd

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly

SPEECH_RATE = 16_000
# Below this loudest short-time level (dB re full scale) a recording holds no speech worth recognising.
SPEECH_LEVEL_DBFS = -50.0
# Shorter audio cannot hold a word: ASR returns "" and alignment gives a single pause.
MIN_SPEECH_S = 0.1
# Energy floor (dB) reported for digital silence, so values stay finite.
SILENCE_DB = -100.0


def as_speech_audio(audio: npt.ArrayLike, sample_rate: int) -> npt.NDArray[np.float32]:
    """Mono float32 at 16 kHz; ValueError for a wrong shape, rate, or NaN/inf samples."""
    samples = np.asarray(audio)
    if samples.ndim != 1:
        raise ValueError(f"speech audio must be mono, a 1-D array; got shape {samples.shape}")
    if not np.issubdtype(samples.dtype, np.floating):
        raise ValueError(
            f"speech audio must be float samples in [-1, 1], got dtype {samples.dtype} "
            "(divide 16-bit PCM by 32768)"
        )
    if not (isinstance(sample_rate, int | np.integer) and sample_rate > 0):
        raise ValueError(f"sample_rate must be a positive integer (Hz), got {sample_rate!r}")
    samples = samples.astype(np.float32, copy=False)
    bad = int(np.count_nonzero(~np.isfinite(samples)))
    if bad:
        raise ValueError(f"speech audio holds {bad} NaN or inf samples of {samples.size}: clean the source")
    if sample_rate != SPEECH_RATE:
        common = gcd(int(sample_rate), SPEECH_RATE)
        samples = resample_poly(samples, SPEECH_RATE // common, int(sample_rate) // common).astype(np.float32)
    return samples


def pcm16(audio: npt.NDArray[np.float32]) -> bytes:
    """16-bit PCM bytes; louder-than-full-scale audio (resamplers overshoot) is scaled down, not clipped."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    scaled = audio / peak if peak > 1.0 else audio
    return (scaled * 32767.0).astype(np.int16).tobytes()


def loudest_level_dbfs(audio: npt.NDArray[np.float32], window_s: float = 0.03) -> float:
    """RMS level of the loudest 30 ms window, in dB re full scale (SILENCE_DB for digital silence)."""
    window = max(1, int(window_s * SPEECH_RATE))
    n = audio.size // window
    if n == 0:
        return SILENCE_DB
    power = np.mean(np.square(audio[: n * window].reshape(n, window), dtype=np.float64), axis=1)
    return max(SILENCE_DB, 10.0 * float(np.log10(power.max() + 1e-20)))


def has_speech(audio: npt.NDArray[np.float32]) -> bool:
    """Long and loud enough to hold a word (16 kHz audio)."""
    return audio.size >= MIN_SPEECH_S * SPEECH_RATE and loudest_level_dbfs(audio) >= SPEECH_LEVEL_DBFS

"""Speech metrics of an output waveform: WER of what an ASR hears in it, PESQ (wideband) and STOI against the
reference waveform.

A metric that cannot be computed (silent or too short audio, empty transcript) reads NaN with a reason
instead of raising: one unusable clip must not stop the evaluation of a whole run.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import jiwer
import numpy as np
import numpy.typing as npt
import pesq
import pystoi
from scipy import signal

from ..semantic.extract.text_normalize import normalize_text

Transcriber = Callable[[npt.NDArray[np.float32], int], str]  # (mono audio, sample rate) -> text
Normalizer = Callable[[str], str]

PESQ_RATE = 16_000  # wideband PESQ (ITU-T P.862.2) is defined at 16 kHz
MAX_AUDIO_DELAY_S = 0.25
ENVELOPE_HOP_S = 0.01
SILENCE_RMS = 10 ** (-60 / 20)  # a waveform whose RMS stays below -60 dBFS holds no speech to score
MIN_STOI_S = 0.4  # pystoi needs 30 frames of 25.6 ms at 10 kHz after dropping silent frames


@dataclass(frozen=True)
class Score:
    """A metric's value, or NaN and the reason it could not be computed."""

    value: float
    reason: str = ""


@dataclass(frozen=True)
class WerResult:
    """Word error rate of ``hypothesis`` against ``reference``, both as normalised for scoring."""

    wer: float  # NaN when the reference has no word
    reference: str
    hypothesis: str
    reason: str = ""


@dataclass(frozen=True)
class AlignedAudio:
    """The reference and the output with its delay removed, cut or padded with silence to the reference's
    length (audio the output lacks counts as silence, not as a shorter comparison)."""

    reference: npt.NDArray[np.float64]
    output: npt.NDArray[np.float64]
    delay_s: float  # positive: the output starts late


def word_error_rate(
    reference_text: str, hypothesis_text: str, normalize: Normalizer = normalize_text
) -> WerResult:
    """jiwer's WER after normalising both texts the same way (so "F2" and "f two" are the same words)."""
    reference = normalize(reference_text)
    hypothesis = normalize(hypothesis_text)
    if not reference.split():
        return WerResult(math.nan, reference, hypothesis, "the reference text has no word to score against")
    if not hypothesis.split():
        return WerResult(1.0, reference, hypothesis)  # every reference word deleted
    return WerResult(float(jiwer.wer(reference, hypothesis)), reference, hypothesis)


def speech_wer(
    audio: npt.ArrayLike,
    sample_rate: int,
    reference_text: str,
    transcribe: Transcriber,
    normalize: Normalizer = normalize_text,
) -> WerResult:
    """WER of the ASR transcript of ``audio`` against ``reference_text``: the intelligibility of the output
    as a listener-proxy hears it. Silence is scored as an empty transcript (WER 1)."""
    waveform = _as_waveform(audio, "audio")
    heard = transcribe(waveform.astype(np.float32), sample_rate) if _rms(waveform) >= SILENCE_RMS else ""
    return word_error_rate(reference_text, heard, normalize)


def align_audio(
    reference: npt.ArrayLike, output: npt.ArrayLike, sample_rate: int, max_delay_s: float = MAX_AUDIO_DELAY_S
) -> AlignedAudio:
    """Removes a constant delay of the output (up to ``max_delay_s``) and fits it to the reference's length.

    The delay is found on 10 ms RMS envelopes, which also match when the output is re-synthesised speech
    with another waveform, then refined to the sample on the waveforms within one envelope hop.
    """
    ref = _as_waveform(reference, "reference audio")
    out = _as_waveform(output, "output audio")
    delay = 0
    if _rms(ref) >= SILENCE_RMS and _rms(out) >= SILENCE_RMS:
        hop = max(1, int(round(ENVELOPE_HOP_S * sample_rate)))
        coarse = (
            _best_lag(_envelope(ref, hop), _envelope(out, hop), int(max_delay_s * sample_rate) // hop) * hop
        )
        delay = coarse + _best_lag(ref, _shifted(out, coarse), hop)
    shifted = _shifted(out, delay)[: ref.size]
    return AlignedAudio(ref, np.pad(shifted, (0, ref.size - shifted.size)), delay / sample_rate)


def pesq_wb(reference: npt.ArrayLike, output: npt.ArrayLike, sample_rate: int) -> Score:
    """Wideband PESQ (MOS-LQO, 1.04-4.64) of the output against the reference, resampled to 16 kHz."""
    ref = _resampled(_as_waveform(reference, "reference audio"), sample_rate, PESQ_RATE)
    out = _resampled(_as_waveform(output, "output audio"), sample_rate, PESQ_RATE)
    if _rms(ref) < SILENCE_RMS:
        return Score(math.nan, "the reference audio is silent")
    if _rms(out) < SILENCE_RMS:
        return Score(math.nan, "the output audio is silent")
    try:
        return Score(float(pesq.pesq(PESQ_RATE, ref, out, "wb")))
    except pesq.PesqError as e:  # no utterance found, buffer under 0.25 s, ...
        return Score(math.nan, f"PESQ failed: {_message(e)}")


def stoi(reference: npt.ArrayLike, output: npt.ArrayLike, sample_rate: int) -> Score:
    """STOI (0-1) of the output against the reference; both must be time-aligned and of equal length
    (see ``align_audio``)."""
    ref = _as_waveform(reference, "reference audio")
    out = _as_waveform(output, "output audio")
    if ref.size != out.size:
        raise ValueError(f"STOI needs equal lengths (align_audio trims them), got {ref.size} and {out.size}")
    if _rms(ref) < SILENCE_RMS:
        return Score(math.nan, "the reference audio is silent")
    if ref.size < MIN_STOI_S * sample_rate:
        return Score(math.nan, f"audio too short for STOI ({ref.size / sample_rate:.2f} s < {MIN_STOI_S} s)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(pystoi.stoi(ref, out, sample_rate))
    if caught:  # pystoi warns and returns 1e-5 when too few non-silent frames remain
        return Score(math.nan, f"STOI failed: {caught[0].message}")
    return Score(value)


def _as_waveform(audio: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    waveform = np.asarray(audio, dtype=np.float64)
    if waveform.ndim != 1:
        raise ValueError(f"{name} must be a mono waveform [N], got shape {waveform.shape}")
    if not np.isfinite(waveform).all():
        raise ValueError(f"{name} holds NaN or infinite samples")
    return waveform


def _rms(waveform: npt.NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean(waveform**2))) if waveform.size else 0.0


def _envelope(waveform: npt.NDArray[np.float64], hop: int) -> npt.NDArray[np.float64]:
    n = waveform.size // hop
    return np.sqrt(np.mean(waveform[: n * hop].reshape(n, hop) ** 2, axis=1))


def _best_lag(reference: npt.NDArray[np.float64], output: npt.NDArray[np.float64], max_lag: int) -> int:
    """Lag (samples of these series) by which ``output`` is late against ``reference``, within ±max_lag."""
    correlation = signal.correlate(output - output.mean(), reference - reference.mean(), mode="full")
    lags = signal.correlation_lags(output.size, reference.size, mode="full")
    window = np.abs(lags) <= max_lag
    return int(lags[window][np.argmax(correlation[window])])


def _shifted(waveform: npt.NDArray[np.float64], delay: int) -> npt.NDArray[np.float64]:
    """A late waveform advanced by ``delay`` samples; an early one (delay < 0) delayed with silence."""
    return waveform[delay:] if delay >= 0 else np.concatenate([np.zeros(-delay), waveform])


def _resampled(waveform: npt.NDArray[np.float64], rate: int, target: int) -> npt.NDArray[np.float64]:
    if rate == target:
        return waveform
    common = math.gcd(rate, target)
    return signal.resample_poly(waveform, target // common, rate // common)


def _message(error: Exception) -> str:
    text = error.args[0] if error.args else error
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)

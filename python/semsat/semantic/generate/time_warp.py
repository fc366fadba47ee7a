"""Piecewise WORLD time-warp of synthetic speech onto target phone spans, with the speaker's pitch.

The synthetic speech's own phone spans come from forced alignment (pocketsphinx, same text). Its phones
are matched to the target's by edit-distance alignment (pronunciation variants may differ by a phone);
each matched phone's start and end become anchors of a piecewise-linear time map, and every 5 ms WORLD
frame of the output takes the source frame the map points at. Target pauses are silence. F0 is scaled
to the speaker's median (optionally following a transmitted coarse contour); the spectral envelope can
be tilted part of the way toward the speaker's mean envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyworld

from ..extract.alignment import Alignment
from ..extract.phonemes import SILENCE
from ..extract.prosody import F0_CEIL_HZ, F0_FLOOR_HZ
from ..extract.speech_audio import SPEECH_RATE

FRAME_MS = 5.0
FFT_SIZE = 1024
OUTPUT_RMS = 10 ** (-20 / 20)  # loudness of the output's speech, dB re full scale
SILENT_POWER = 1e-14
# Share of the way the envelope moves toward the speaker's. Whisper WER over the 27 clips (178 words,
# original 0.073): no tilt 0.118, half 0.107, full 0.135; but half a tilt moved the AV offset of
# grid_brbk7n's A2V speech from 0 to +5 frames, so it is off by default.
DEFAULT_TILT = 0.0
TILT_CEPSTRA = 6  # envelope difference smoothed to its first cepstral coefficients: a tilt, not formants


@dataclass(frozen=True)
class PitchTarget:
    """F0 of the output: median of the speaker, optionally a coarse contour (Hz, 0 unvoiced) at fps."""

    median_hz: float
    contour_hz: npt.NDArray[np.float32] | None = None
    fps: float = 25.0


def match_phones(target: list[str], source: list[str]) -> list[tuple[int, int]]:
    """Index pairs (target, source) of an edit-distance alignment, substitutions included, in order."""
    n, m = len(target), len(source)
    cost = np.zeros((n + 1, m + 1), np.int32)
    cost[:, 0], cost[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            substitute = cost[i - 1, j - 1] + (target[i - 1] != source[j - 1])
            cost[i, j] = min(substitute, cost[i - 1, j] + 1, cost[i, j - 1] + 1)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        if cost[i, j] == cost[i - 1, j - 1] + (target[i - 1] != source[j - 1]):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif cost[i, j] == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def time_map(
    target_phones: list[str],
    target_spans_ms: npt.NDArray[np.float64],
    source: Alignment,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Anchors (target ms, source ms) of the piecewise-linear map, both non-decreasing."""
    target_speech = [i for i, p in enumerate(target_phones) if p != SILENCE]
    source_speech = [j for j, p in enumerate(source.phones) if p != SILENCE]
    pairs = match_phones([target_phones[i] for i in target_speech], [source.phones[j] for j in source_speech])
    target_at: list[float] = []
    source_at: list[float] = []
    for a, b in pairs:
        i, j = target_speech[a], source_speech[b]
        target_at += [float(target_spans_ms[i, 0]), float(target_spans_ms[i, 1])]
        source_at += [float(source.phone_spans_ms[j, 0]), float(source.phone_spans_ms[j, 1])]
    if not target_at:  # nothing in common: stretch the whole utterance
        target_at = [0.0, float(target_spans_ms[-1, 1])]
        source_at = [0.0, source.duration_ms]
    return np.maximum.accumulate(target_at), np.maximum.accumulate(source_at)


def _silence_mask(
    times_ms: npt.NDArray[np.float64], phones: list[str], spans_ms: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    silent = np.zeros(times_ms.size, bool)
    for phone, (start, end) in zip(phones, spans_ms, strict=True):
        if phone == SILENCE:
            silent |= (times_ms >= start) & (times_ms < end)
    return silent


def _f0(
    source_f0: npt.NDArray[np.float64], times_ms: npt.NDArray[np.float64], pitch: PitchTarget
) -> npt.NDArray[np.float64]:
    voiced = source_f0 > 0
    if not voiced.any():
        return source_f0
    f0 = source_f0 * (pitch.median_hz / float(np.median(source_f0[voiced])))
    if pitch.contour_hz is not None and np.count_nonzero(pitch.contour_hz > 0) >= 2:
        frames = np.flatnonzero(pitch.contour_hz > 0)
        centres_ms = (frames + 0.5) * 1000.0 / pitch.fps
        contour = np.interp(times_ms, centres_ms, pitch.contour_hz[frames])
        f0 = np.where(voiced, contour, 0.0)
    return np.where(voiced, np.clip(f0, F0_FLOOR_HZ, F0_CEIL_HZ), 0.0)


def _tilt(
    envelope: npt.NDArray[np.float64],
    voiced: npt.NDArray[np.bool_],
    goal_db: npt.NDArray[np.float32],
    strength: float,
) -> npt.NDArray[np.float64]:
    """``envelope`` with a smooth gain moving its mean voiced spectrum ``strength`` of the way to the goal."""
    if not voiced.any() or strength == 0:
        return envelope
    current_db = np.mean(10 * np.log10(envelope[voiced] + 1e-20), axis=0)
    difference = goal_db - current_db
    difference -= difference.mean()  # shape only: loudness is set separately
    cepstrum = np.fft.irfft(difference)
    cepstrum[TILT_CEPSTRA:-TILT_CEPSTRA] = 0.0
    smooth_db = np.fft.rfft(cepstrum).real
    return envelope * 10 ** (strength * smooth_db / 10)


def warp_to_spans(
    audio: npt.NDArray[np.float32],
    source: Alignment,
    target_phones: list[str],
    target_spans_ms: npt.ArrayLike,
    pitch: PitchTarget,
    envelope_db: npt.NDArray[np.float32] | None = None,
    tilt_strength: float = DEFAULT_TILT,
) -> npt.NDArray[np.float32]:
    """16 kHz speech lasting target_spans_ms[-1, 1], its phones where ``target_spans_ms`` puts them.

    ``audio`` is 16 kHz synthetic speech and ``source`` its alignment to the same words.
    """
    spans = np.asarray(target_spans_ms, np.float64)
    total_ms = float(spans[-1, 1])
    n_samples = int(round(total_ms * SPEECH_RATE / 1000.0))
    samples = audio.astype(np.float64)
    f0, times = pyworld.dio(
        samples, SPEECH_RATE, f0_floor=F0_FLOOR_HZ, f0_ceil=F0_CEIL_HZ, frame_period=FRAME_MS
    )
    f0 = pyworld.stonemask(samples, f0, times, SPEECH_RATE)
    envelope = pyworld.cheaptrick(samples, f0, times, SPEECH_RATE, fft_size=FFT_SIZE)
    aperiodicity = pyworld.d4c(samples, f0, times, SPEECH_RATE, fft_size=FFT_SIZE)
    out_ms = np.arange(int(np.ceil(total_ms / FRAME_MS)) + 1) * FRAME_MS
    target_at, source_at = time_map(target_phones, spans, source)
    source_ms = np.interp(out_ms, target_at, source_at)
    index = np.clip(np.round(source_ms / FRAME_MS).astype(np.int64), 0, f0.size - 1)
    out_f0 = _f0(f0[index], out_ms, pitch)
    out_envelope = envelope[index]
    out_aperiodicity = aperiodicity[index]
    if envelope_db is not None:
        out_envelope = _tilt(out_envelope, out_f0 > 0, envelope_db, tilt_strength)
    silent = _silence_mask(out_ms, target_phones, spans)
    out_f0[silent] = 0.0
    out_envelope[silent] = SILENT_POWER
    out_aperiodicity[silent] = 1.0
    speech = pyworld.synthesize(
        out_f0,
        np.ascontiguousarray(out_envelope),
        np.ascontiguousarray(out_aperiodicity),
        SPEECH_RATE,
        FRAME_MS,
    )
    speech = np.pad(speech, (0, max(0, n_samples - speech.size)))[:n_samples]
    return _normalized(speech, silent)


def _normalized(
    speech: npt.NDArray[np.float64], silent_frames: npt.NDArray[np.bool_]
) -> npt.NDArray[np.float32]:
    """Speech scaled to OUTPUT_RMS over its non-silent frames."""
    frame = np.minimum(
        (np.arange(speech.size) * 1000.0 / SPEECH_RATE / FRAME_MS).astype(np.int64), silent_frames.size - 1
    )
    spoken = speech[~silent_frames[frame]]
    rms = float(np.sqrt(np.mean(spoken**2))) if spoken.size else 0.0
    return (speech * (OUTPUT_RMS / rms) if rms > 1e-9 else speech).astype(np.float32)

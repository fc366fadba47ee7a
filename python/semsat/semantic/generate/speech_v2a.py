"""V2A speech: the transmitted text spoken in time with the lips of the rendered video.

The mouth-opening track (the expression coefficient 0 of the face parameters, or the lip height from 68
landmarks) is cut into speaking intervals where the mouth moves. flite reads the text (rate-matched to the
speaking time) and pocketsphinx aligns the reading; its words are shared out over the intervals in order
and in proportion to their read lengths; inside each interval the phones follow the lips by dynamic time
warping of their typical openness onto the track (speech_lip_sync.py); the WORLD time-warp then puts
the reading on those spans in the speaker's pitch (time_warp.py).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter1d

from ...effect.av_offset import mouth_opening
from ..extract.alignment import Alignment, align
from ..extract.phonemes import SILENCE
from ..extract.speech_audio import SPEECH_RATE
from ..extract.text_normalize import normalize_words
from .speech_a2v import rate_matched_reading
from .speech_lip_sync import lip_synced_bounds
from .time_warp import DEFAULT_TILT, PitchTarget, warp_to_spans
from .voice_profile import VoiceProfile

MOVEMENT_SMOOTHING_FRAMES = 1.0  # Gaussian sigma of |d opening / dt|
MOVING_FRACTION = 0.2  # of the 95th-percentile movement: the mouth is speaking above this
MIN_PAUSE_S = 0.25  # stiller gaps are inside speech
MIN_SPEECH_S = 0.12  # shorter movement is not a word


def speaking_intervals(opening: npt.ArrayLike, fps: float) -> list[tuple[float, float]]:
    """Speaking intervals in ms where the mouth moves; [] for a still mouth."""
    track = np.asarray(opening, np.float64).reshape(-1)
    if track.size < 3:
        return []
    movement = gaussian_filter1d(np.abs(np.gradient(track)), MOVEMENT_SMOOTHING_FRAMES)
    peak = float(np.percentile(movement, 95))
    if peak <= 1e-9:
        return []
    moving = movement > MOVING_FRACTION * peak
    edges = np.flatnonzero(np.diff(np.concatenate([[0], moving.astype(np.int8), [0]])))
    runs = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    merged: list[list[int]] = []
    for run in runs:
        if merged and (run[0] - merged[-1][1]) / fps < MIN_PAUSE_S:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    frame_ms = 1000.0 / fps
    return [(a * frame_ms, b * frame_ms) for a, b in merged if (b - a) / fps >= MIN_SPEECH_S]


def _word_groups(word_ms: npt.NDArray[np.float64], lengths_ms: npt.NDArray[np.float64]) -> list[list[int]]:
    """Consecutive words per interval (each at least one), split where the read lengths best match."""
    cumulative = np.cumsum(word_ms) / word_ms.sum()
    targets = np.cumsum(lengths_ms)[:-1] / lengths_ms.sum()
    cuts: list[int] = []
    for k, target in enumerate(targets):
        lowest = (cuts[-1] if cuts else 0) + 1
        highest = word_ms.size - (targets.size - k)
        candidates = np.arange(lowest, highest + 1)
        cuts.append(int(candidates[np.argmin(np.abs(cumulative[candidates - 1] - target))]))
    bounds = [0, *cuts, word_ms.size]
    return [list(range(a, b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def lip_timed_spans(
    reading: Alignment, intervals: list[tuple[float, float]], opening: npt.NDArray[np.float64], fps: float
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Phones of the reading (its pauses dropped) and their spans filling ``intervals`` as the lips move
    (``opening`` per video frame at ``fps``), SIL elsewhere."""
    n_words = len(reading.words)
    if len(intervals) > n_words:  # more pauses than word gaps: speak over the whole moving stretch
        intervals = [(intervals[0][0], intervals[-1][1])]
    word_ms = np.array([max(e - s, 1.0) for s, e in reading.word_spans_ms], np.float64)
    lengths = np.array([b - a for a, b in intervals], np.float64)
    phones: list[str] = []
    bounds: list[float] = [0.0]
    for (start, end), group in zip(intervals, _word_groups(word_ms, lengths), strict=True):
        members = [i for i, w in enumerate(reading.phone_word_index) if w in group]
        durations = np.array([reading.phone_spans_ms[i, 1] - reading.phone_spans_ms[i, 0] for i in members])
        if start > bounds[-1]:
            phones.append(SILENCE)
            bounds.append(start)
        names = [reading.phones[i] for i in members]
        phones += names
        bounds += [float(b) for b in lip_synced_bounds(names, durations, opening, bounds[-1], end, fps)[1:]]
    total_ms = opening.size * 1000.0 / fps
    if total_ms > bounds[-1]:
        phones.append(SILENCE)
        bounds.append(total_ms)
    edges = np.asarray(bounds)
    return phones, np.stack([edges[:-1], edges[1:]], axis=1)


def synthesize_v2a(
    text: str,
    profile: VoiceProfile,
    fps: float,
    *,
    opening: npt.ArrayLike | None = None,
    landmarks68: npt.ArrayLike | None = None,
    tilt_strength: float = DEFAULT_TILT,
) -> npt.NDArray[np.float32]:
    """16 kHz speech of ``text`` as long as the video (one mouth-opening value per frame, from ``opening``
    such as face_params[:, 0], or from ``landmarks68`` [T, 68, 2]), timed to the lips, in ``profile``'s
    voice. A still mouth spreads the words over the middle 80% of the clip; empty text gives silence."""
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0, got {fps}")
    if (opening is None) == (landmarks68 is None):
        raise ValueError("give exactly one of opening (per frame) or landmarks68 [T, 68, 2]")
    track = mouth_opening(landmarks68) if landmarks68 is not None else np.asarray(opening, np.float64)
    if track.ndim != 1 or track.size == 0:
        raise ValueError(f"opening must be one value per video frame, got shape {track.shape}")
    if not np.any(np.isfinite(track)):
        raise ValueError("the mouth-opening track has no finite value")
    found = np.isfinite(track)
    track = np.interp(np.arange(track.size), np.flatnonzero(found), track[found])
    total_ms = track.size * 1000.0 / fps
    silence = np.zeros(int(round(total_ms * SPEECH_RATE / 1000.0)), np.float32)
    words = normalize_words(text)
    if not words:
        return silence
    intervals = speaking_intervals(track, fps) or [(0.1 * total_ms, 0.9 * total_ms)]
    speaking_ms = sum(b - a for a, b in intervals)
    reading = rate_matched_reading(" ".join(words), profile.flite_voice, speaking_ms)
    source = align(reading, SPEECH_RATE, " ".join(words))
    if source.method == "silence":
        return silence
    phones, spans = lip_timed_spans(source, intervals, track, fps)
    pitch = PitchTarget(profile.f0_median_hz)
    return warp_to_spans(reading, source, phones, spans, pitch, profile.spectral_envelope_db, tilt_strength)

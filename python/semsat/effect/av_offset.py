"""Audio-video offset of a talking-head clip: the lag that best lines up the mouth with the speech.

Signals, one value per video frame:
- mouth opening: the mean height of the inner (61-67, 62-66, 63-65) and outer (50-58, 51-57, 52-56) lips
  of dlib's 68 points over the distance between the eye centres (independent of the face's size);
- speech envelope: RMS of the 300-3000 Hz band (voice, not hum or hiss) over the frame.
Two correlations are summed at each lag in ±max_lag (Pearson, over the frames both signals cover):
- syllables: opening against envelope, both minus a centred 0.36 s moving average. It peaks sharply at the
  true lag, but speech is rhythmic: on GRID it has side peaks ~7 frames away nearly as high (0.47 against
  0.55 on grid_lbax4n), and an H.264 copy of that clip already read -8 instead of -1;
- speaking activity: mouth movement (|frame-to-frame change of the opening|) against log loudness, both
  smoothed over 0.12 s: a broad single hump around the true lag that outvotes the side peaks.
On the ten development clips, and on the GRID clips re-encoded with H.264 (CRF 30 and 38), every reading
followed an audio delay of -6..+9 frames exactly, except one CRF-38 clip whose mouth motion the encoder had
destroyed (syllable correlation 0.17, reported as undetermined by MIN_PEAK_CORRELATION). Originals: GRID 0 or
-1 frame (syllable r 0.48-0.61), VoxCeleb2 -1..+2, retalking -2 (r 0.28).

Sign: a positive lag means the AUDIO IS LATE: the envelope at frame t + lag matches the mouth at frame t.
The reported ``peak_correlation`` is the syllable correlation at the chosen lag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import signal
from scipy.ndimage import gaussian_filter1d, uniform_filter1d

from .akd import N_POINTS

MAX_LAG_FRAMES = 10
SPEECH_BAND_HZ = (300.0, 3000.0)
DETREND_WINDOW_S = 0.36
ACTIVITY_SMOOTHING_S = 0.12  # Gaussian sigma
LOUDNESS_FLOOR_DB = -60.0  # log loudness is floored this far below the loudest frame
MIN_OVERLAP_FRAMES = 25  # correlations over fewer frames are chance-dominated
MAX_MISSING_FRACTION = 0.2  # frames without a face are interpolated, up to this share
SILENCE_DBFS = -50.0  # loudest frame's band RMS below this: nothing to line up with
STATIC_MOUTH = 0.02  # detrended opening std (eye distances) below this: dlib noise, not speech (~0.05-0.1)
MIN_PEAK_CORRELATION = 0.2

_UPPER_LIP = [61, 62, 63, 50, 51, 52]
_LOWER_LIP = [67, 66, 65, 58, 57, 56]


@dataclass(frozen=True)
class AvOffset:
    """The lag in video frames (positive: audio late) and its correlation, or None and the reason."""

    lag_frames: int | None
    peak_correlation: float  # NaN when there is nothing to correlate
    reason: str = ""


def mouth_opening(landmarks: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Lip height over eye distance per frame [T] from 68-point landmarks [T, 68, 2]; NaN where missing."""
    points = np.asarray(landmarks, dtype=np.float64)
    if points.ndim != 3 or points.shape[1:] != (N_POINTS, 2):
        raise ValueError(f"landmarks must have shape [T, {N_POINTS}, 2], got {points.shape}")
    height = np.linalg.norm(points[:, _UPPER_LIP] - points[:, _LOWER_LIP], axis=2).mean(axis=1)
    eyes = np.linalg.norm(points[:, 36:42].mean(axis=1) - points[:, 42:48].mean(axis=1), axis=1)
    return height / eyes


def speech_envelope(
    audio: npt.ArrayLike, sample_rate: int, fps: float, n_frames: int
) -> npt.NDArray[np.float64]:
    """RMS of the speech band over each of ``n_frames`` video frames (silence past the audio's end)."""
    waveform = np.asarray(audio, dtype=np.float64)
    if waveform.ndim != 1:
        raise ValueError(f"audio must be a mono waveform [N], got shape {waveform.shape}")
    low, high = SPEECH_BAND_HZ
    high = min(high, 0.45 * sample_rate)
    if waveform.size > 30:  # sosfiltfilt needs a few samples beyond its padding
        bandpass = signal.butter(4, [low, high], btype="band", fs=sample_rate, output="sos")
        waveform = signal.sosfiltfilt(bandpass, waveform)
    edges = np.round(np.arange(n_frames + 1) * sample_rate / fps).astype(np.int64)
    waveform = np.pad(waveform, (0, max(0, edges[-1] - waveform.size)))
    return np.array(
        [
            np.sqrt(np.mean(waveform[a:b] ** 2)) if b > a else 0.0
            for a, b in zip(edges[:-1], edges[1:], strict=True)
        ]
    )


def av_offset(
    landmarks: npt.ArrayLike,
    audio: npt.ArrayLike,
    sample_rate: int,
    fps: float,
    max_lag: int = MAX_LAG_FRAMES,
) -> AvOffset:
    """Lag of the audio against the video of one clip, from its landmarks [T, 68, 2] and its waveform."""
    opening = mouth_opening(landmarks)
    n = opening.size
    if n - max_lag < MIN_OVERLAP_FRAMES:
        return AvOffset(
            None, np.nan, f"too short: {n} frames, need {MIN_OVERLAP_FRAMES + max_lag} for ±{max_lag}"
        )
    found = np.isfinite(opening)
    if (~found).sum() > MAX_MISSING_FRACTION * n:
        return AvOffset(None, np.nan, f"no face in {(~found).sum()} of {n} frames")
    opening = np.interp(np.arange(n), np.flatnonzero(found), opening[found])
    envelope = speech_envelope(audio, sample_rate, fps, n)
    loudest_dbfs = 20 * np.log10(max(envelope.max(), 1e-12))
    if loudest_dbfs < SILENCE_DBFS:
        return AvOffset(None, np.nan, f"silent audio (loudest frame {loudest_dbfs:.0f} dBFS)")
    window = max(3, int(round(DETREND_WINDOW_S * fps)) | 1)
    syllable_mouth = opening - uniform_filter1d(opening, window, mode="nearest")
    syllable_sound = envelope - uniform_filter1d(envelope, window, mode="nearest")
    if syllable_mouth.std() < STATIC_MOUTH:
        return AvOffset(
            None, np.nan, f"static mouth (opening varies by {syllable_mouth.std():.3f} eye distances)"
        )
    sigma = ACTIVITY_SMOOTHING_S * fps
    moving_mouth = gaussian_filter1d(np.abs(np.gradient(opening)), sigma)
    floor = envelope.max() * 10 ** (LOUDNESS_FLOOR_DB / 20)
    loudness = gaussian_filter1d(np.log(np.maximum(envelope, floor)), sigma)
    lags = range(-max_lag, max_lag + 1)
    syllables = np.array([_correlation(syllable_mouth, syllable_sound, lag) for lag in lags])
    activity = np.array([_correlation(moving_mouth, loudness, lag) for lag in lags])
    score = syllables + activity
    if np.isnan(score).all():
        return AvOffset(None, np.nan, "no lag where both mouth and sound vary")
    best = int(np.nanargmax(score))
    peak = float(syllables[best])
    if peak < MIN_PEAK_CORRELATION:
        return AvOffset(None, peak, f"no clear audio-visual correlation (peak r = {peak:.2f})")
    return AvOffset(best - max_lag, peak)


def _correlation(opening: np.ndarray, envelope: np.ndarray, lag: int) -> float:
    """Pearson correlation of the mouth at t with the envelope at t + lag, over the frames both cover."""
    if lag >= 0:
        mouth, sound = opening[: opening.size - lag], envelope[lag:]
    else:
        mouth, sound = opening[-lag:], envelope[: envelope.size + lag]
    if mouth.std() == 0 or sound.std() == 0:
        return np.nan
    return float(np.corrcoef(mouth, sound)[0, 1])

"""Prosody per video frame: pitch (WORLD DIO + StoneMask F0) and energy (RMS level in dB).

F0 is estimated every 5 ms and then summarised per video frame (40 ms at 25 fps) as the median of the
voiced estimates, so one octave error inside a frame does not move it; a frame with fewer than half of
its estimates voiced is unvoiced (0 Hz). Energy is the RMS of the frame's samples in dB re full scale,
floored at SILENCE_DB so digital silence stays finite. Audio shorter than the video is padded with
silence, longer audio is cut, so both arrays always have one value per video frame.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyworld

from .speech_audio import SILENCE_DB, SPEECH_RATE, as_speech_audio

F0_FRAME_MS = 5.0
# Speech F0 range: below 60 Hz is creak or hum, above 500 Hz is not a speaking voice's fundamental.
F0_FLOOR_HZ = 60.0
F0_CEIL_HZ = 500.0


def _frame_bounds(n_frames: int, fps: float, rate: float) -> npt.NDArray[np.int64]:
    return np.round(np.arange(n_frames + 1) * rate / fps).astype(np.int64)


def _check(n_frames: int, fps: float) -> None:
    if n_frames < 0:
        raise ValueError(f"n_frames must be >= 0, got {n_frames}")
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps must be > 0, got {fps}")


def f0_track(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """F0 every F0_FRAME_MS of 16 kHz audio (0 = unvoiced)."""
    if audio.size == 0:
        return np.zeros(0)
    samples = audio.astype(np.float64)
    f0, times = pyworld.dio(
        samples, SPEECH_RATE, f0_floor=F0_FLOOR_HZ, f0_ceil=F0_CEIL_HZ, frame_period=F0_FRAME_MS
    )
    return pyworld.stonemask(samples, f0, times, SPEECH_RATE)


def pitch_per_frame(
    audio: npt.ArrayLike, sample_rate: int, n_frames: int, fps: float = 25.0
) -> npt.NDArray[np.float32]:
    """Median voiced F0 (Hz) in each video frame, 0 for unvoiced frames: float32[n_frames]."""
    _check(n_frames, fps)
    f0 = f0_track(as_speech_audio(audio, sample_rate))
    bounds = _frame_bounds(n_frames, fps, 1000.0 / F0_FRAME_MS)
    pitch = np.zeros(n_frames, np.float32)
    for t in range(n_frames):
        window = f0[bounds[t] : max(bounds[t + 1], bounds[t] + 1)]
        voiced = window[window > 0]
        if window.size and voiced.size * 2 >= window.size:
            pitch[t] = np.median(voiced)
    return pitch


def energy_per_frame(
    audio: npt.ArrayLike, sample_rate: int, n_frames: int, fps: float = 25.0
) -> npt.NDArray[np.float32]:
    """RMS level (dB re full scale, >= SILENCE_DB) of each video frame's samples: float32[n_frames]."""
    _check(n_frames, fps)
    samples = as_speech_audio(audio, sample_rate).astype(np.float64)
    bounds = _frame_bounds(n_frames, fps, SPEECH_RATE)
    samples = np.pad(samples[: bounds[-1]], (0, max(0, bounds[-1] - samples.size)))
    # Per-frame mean power from a running sum: frames may differ by a sample in length at odd rates.
    cumulative = np.concatenate([[0.0], np.cumsum(samples * samples)])
    lengths = np.maximum(np.diff(bounds), 1)
    power = (cumulative[bounds[1:]] - cumulative[bounds[:-1]]) / lengths
    level = 10.0 * np.log10(np.maximum(power, 10.0 ** (SILENCE_DB / 10.0)))
    return level.astype(np.float32)

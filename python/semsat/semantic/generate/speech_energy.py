"""Loudness contour of synthetic speech matched to the transmitted energy per video frame.

A2V sends energy (RMS dB per frame) beside pitch as coarse prosody. flite's syllable loudness is its own;
a per-frame gain (the transmitted contour minus the synthetic one, its median removed so the output's
level stays, limited to ±MAX_GAIN_DB and interpolated smoothly between frame centres) gives the speech the
speaker's stress pattern, which is also what lines the sound up with the lips (av_offset's envelope).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..extract.speech_audio import SPEECH_RATE

MAX_GAIN_DB = 12.0
SPEECH_FLOOR_DB = -60.0  # frames quieter than this (synthetic or transmitted) keep their level


def match_energy(
    audio: npt.NDArray[np.float32], energy_db: npt.ArrayLike, fps: float
) -> npt.NDArray[np.float32]:
    """``audio`` (16 kHz) with a gain per video frame following ``energy_db`` [T]; same length."""
    target = np.asarray(energy_db, np.float64).reshape(-1)
    if target.size == 0 or not np.all(np.isfinite(target)):
        raise ValueError("energy_db must be one finite value (dB) per video frame")
    edges = np.round(np.arange(target.size + 1) * SPEECH_RATE / fps).astype(np.int64)
    edges = np.minimum(edges, audio.size)
    current = np.array(
        [
            10 * np.log10(np.mean(np.square(audio[a:b], dtype=np.float64)) + 1e-20) if b > a else -200.0
            for a, b in zip(edges[:-1], edges[1:], strict=True)
        ]
    )
    speech = (current > SPEECH_FLOOR_DB) & (target > SPEECH_FLOOR_DB)
    if speech.sum() < 2:
        return audio
    gain_db = np.zeros(target.size)
    gain_db[speech] = target[speech] - current[speech]
    gain_db[speech] -= np.median(gain_db[speech])
    gain_db = np.clip(gain_db, -MAX_GAIN_DB, MAX_GAIN_DB)
    centres = (edges[:-1] + edges[1:]) / 2.0
    per_sample = np.interp(np.arange(audio.size), centres, gain_db)
    return (audio * 10 ** (per_sample / 20)).astype(np.float32)

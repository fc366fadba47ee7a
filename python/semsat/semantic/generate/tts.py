"""Text to speech with Debian's flite, run as a subprocess: float32 mono at 16 kHz.

flite is the only offline synthesizer here that ships a voice (dependencies.md). ``duration_stretch``
slows (> 1) or speeds up (< 1) its speaking rate, so the voice can start near the target's length and the
time-warp after it only has to move boundaries a little.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from ..extract.speech_audio import SPEECH_RATE, as_speech_audio

FLITE_VOICES = ("kal16", "slt", "awb", "rms", "kal")
MIN_STRETCH, MAX_STRETCH = 0.25, 4.0


class TtsError(RuntimeError):
    """flite is missing or failed."""


def flite_path() -> str:
    """The flite executable; TtsError naming the package when it is not installed."""
    path = shutil.which("flite")
    if path is None:
        raise TtsError("flite is not installed: apt-get install flite (Debian), or run scripts/setup.sh")
    return path


def synthesize(text: str, voice: str = "kal16", duration_stretch: float = 1.0) -> npt.NDArray[np.float32]:
    """flite's reading of ``text``; an empty array for text without words."""
    if voice not in FLITE_VOICES:
        raise ValueError(f"unknown flite voice {voice!r}; use one of {', '.join(FLITE_VOICES)}")
    if not (np.isfinite(duration_stretch) and MIN_STRETCH <= duration_stretch <= MAX_STRETCH):
        raise ValueError(
            f"duration_stretch must be in [{MIN_STRETCH}, {MAX_STRETCH}], got {duration_stretch}"
        )
    if not text.strip():
        return np.zeros(0, np.float32)
    with tempfile.TemporaryDirectory(prefix="semsat-tts-") as folder:
        wav = Path(folder) / "speech.wav"
        command = [flite_path(), "-voice", voice, "--setf", f"duration_stretch={duration_stretch:.4f}"]
        command += ["-t", text, "-o", str(wav)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if result.returncode != 0 or not wav.is_file():
            raise TtsError(f"flite failed (exit {result.returncode}): {result.stderr.strip()[:200]}")
        samples, rate = soundfile.read(wav, dtype="float32")
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    return as_speech_audio(samples, int(rate)) if rate != SPEECH_RATE else samples

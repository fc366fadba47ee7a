"""Pitch and energy per video frame against synthetic signals of known F0 and level, and real speech."""

from __future__ import annotations

import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_audio
from gnuradio.semsat.semantic.extract.prosody import energy_per_frame, pitch_per_frame
from gnuradio.semsat.semantic.extract.speech_audio import SILENCE_DB
from gnuradio.semsat.testing_media import require_media


def _harmonic_tone(f0: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return sum(0.3 / k * np.sin(2 * np.pi * f0 * k * t) for k in range(1, 6)).astype(np.float32)


@pytest.mark.parametrize("rate", [16000, 48000])
def test_pitch_of_a_150_hz_harmonic_tone(rate):
    pitch = pitch_per_frame(_harmonic_tone(150.0, 2.0, rate), rate, n_frames=50)
    assert pitch.shape == (50,) and pitch.dtype == np.float32
    voiced = pitch[pitch > 0]
    assert voiced.size >= 45
    assert np.all(np.abs(voiced - 150.0) <= 3.0)


def test_pitch_is_zero_where_unvoiced():
    rng = np.random.default_rng(0)
    silence_then_tone = np.concatenate([np.zeros(16000, np.float32), _harmonic_tone(200.0, 1.0, 16000)])
    pitch = pitch_per_frame(silence_then_tone, 16000, n_frames=50)
    assert np.all(pitch[:23] == 0) and np.all(np.abs(pitch[27:] - 200.0) <= 4.0)
    noise = rng.normal(0, 0.1, 16000).astype(np.float32)
    assert np.mean(pitch_per_frame(noise, 16000, 25) > 0) < 0.2


def test_energy_of_silence_tone_and_speech():
    tone = _harmonic_tone(150.0, 1.0, 16000)
    expected_db = 10 * np.log10(np.mean(tone.astype(np.float64) ** 2))
    assert np.allclose(energy_per_frame(tone, 16000, 25)[1:-1], expected_db, atol=0.5)
    silence = energy_per_frame(np.zeros(16000, np.float32), 16000, 25)
    assert np.all(silence == SILENCE_DB) and np.all(np.isfinite(silence))
    speech = read_audio(require_media() / "speech/speechbrain_spk1_snt1.wav")
    energy = energy_per_frame(speech, 16000, int(round(speech.size / 640)))
    assert energy.max() > -35.0 and energy.max() - np.percentile(energy, 5) > 25.0


def test_one_value_per_video_frame_whatever_the_audio_length():
    tone = _harmonic_tone(150.0, 1.0, 16000)
    for n_frames, fps in [(25, 25.0), (10, 25.0), (60, 25.0), (30, 30.0), (1, 25.0)]:
        pitch, energy = (
            pitch_per_frame(tone, 16000, n_frames, fps),
            energy_per_frame(tone, 16000, n_frames, fps),
        )
        assert pitch.shape == energy.shape == (n_frames,)
    padded = energy_per_frame(tone, 16000, 50)
    assert np.all(padded[26:] == SILENCE_DB)  # video longer than the audio: silence after the audio
    assert pitch_per_frame(np.zeros(0, np.float32), 16000, 3).tolist() == [0, 0, 0]
    assert pitch_per_frame(tone[:640], 16000, 1).shape == (1,)


def test_bad_arguments():
    with pytest.raises(ValueError, match="NaN or inf"):
        pitch_per_frame(np.array([0.0, np.nan], np.float32), 16000, 1)
    with pytest.raises(ValueError, match="fps"):
        energy_per_frame(np.zeros(160, np.float32), 16000, 1, fps=0)
    with pytest.raises(ValueError, match="n_frames"):
        energy_per_frame(np.zeros(160, np.float32), 16000, -1)

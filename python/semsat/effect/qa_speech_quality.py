"""Speech metrics: PESQ and STOI of a signal with itself and with noise, alignment of a delayed copy, WER
after normalisation, and NaN with a reason for what cannot be scored."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gnuradio.semsat.effect.speech_quality import align_audio, pesq_wb, speech_wer, stoi, word_error_rate
from gnuradio.semsat.media.clip import read_audio
from gnuradio.semsat.testing_media import require_media

SPEECH = "speech/speechbrain_spk1_snt2.wav"  # "drop the two when you add the figures", 16 kHz
RATE = 16_000


def speech(sample_rate: int = RATE) -> np.ndarray:
    return read_audio(require_media() / SPEECH, sample_rate).astype(np.float64)


def with_noise(audio: np.ndarray, snr_db: float) -> np.ndarray:
    noise = np.random.default_rng(0).normal(0, 1, audio.size)
    return audio + noise * np.sqrt(np.mean(audio**2) / 10 ** (snr_db / 10))


def test_a_signal_with_itself_scores_the_top():
    audio = speech()
    assert pesq_wb(audio, audio, RATE).value > 4.0
    assert stoi(audio, audio, RATE).value == pytest.approx(1.0, abs=1e-6)


def test_noise_lowers_both():
    audio = speech()
    clean_pesq, clean_stoi = pesq_wb(audio, audio, RATE).value, stoi(audio, audio, RATE).value
    noisy = with_noise(audio, 5)
    assert pesq_wb(audio, noisy, RATE).value < clean_pesq - 1.5
    assert stoi(audio, noisy, RATE).value < clean_stoi - 0.1
    # and more noise lowers them further
    noisier = with_noise(audio, -5)
    assert pesq_wb(audio, noisier, RATE).value < pesq_wb(audio, noisy, RATE).value
    assert stoi(audio, noisier, RATE).value < stoi(audio, noisy, RATE).value


def test_pesq_resamples_other_rates():
    audio = read_audio(require_media() / "speech/alsa_Front_Center.wav", 48_000).astype(np.float64)
    assert pesq_wb(audio, audio, 48_000).value > 4.0


def test_a_delayed_copy_is_realigned_to_the_sample():
    audio = speech()
    late = np.concatenate([np.zeros(592), audio])  # 37 ms late
    aligned = align_audio(audio, late, RATE)
    assert aligned.delay_s == pytest.approx(0.037, abs=1 / RATE)
    assert aligned.reference.size == aligned.output.size == audio.size
    assert stoi(aligned.reference, aligned.output, RATE).value == pytest.approx(1.0, abs=1e-6)
    early = align_audio(audio, audio[400:], RATE)
    assert early.delay_s == pytest.approx(-0.025, abs=1 / RATE)
    assert early.output.size == audio.size


def test_missing_output_audio_counts_as_silence():
    audio = speech()
    half = align_audio(audio, audio[: audio.size // 2], RATE)
    assert half.reference.size == half.output.size == audio.size
    assert not half.output[audio.size // 2 :].any()
    assert stoi(half.reference, half.output, RATE).value < 0.8


def test_unscorable_audio_reads_nan_with_a_reason():
    audio = speech()
    silent = np.zeros_like(audio)
    for score, words in (
        (pesq_wb(audio, silent, RATE), "output audio is silent"),
        (pesq_wb(silent, audio, RATE), "reference audio is silent"),
        (pesq_wb(audio[:2000], audio[:2000], RATE), "PESQ failed"),
        (stoi(silent, audio, RATE), "reference audio is silent"),
        (stoi(audio[:3000], audio[:3000], RATE), "too short"),
    ):
        assert math.isnan(score.value) and words in score.reason
    with pytest.raises(ValueError, match="equal lengths"):
        stoi(audio, audio[:-1], RATE)


def test_wer_after_normalisation():
    assert word_error_rate("bin blue at f two now", "Bin blue at F2 now.").wer == 0.0
    assert word_error_rate("bin blue at f two now", "bin blue at f two new").wer == pytest.approx(1 / 6)
    assert word_error_rate("bin blue at f two now", "").wer == 1.0
    empty = word_error_rate("...", "bin")
    assert math.isnan(empty.wer) and "no word" in empty.reason


def test_speech_wer_transcribes_the_output():
    heard = []

    def fake_asr(audio: np.ndarray, sample_rate: int) -> str:
        heard.append((audio.dtype, sample_rate))
        return "Drop the 2 when you add the figures."

    audio = speech()
    result = speech_wer(audio, RATE, "drop the two when you add the figures", fake_asr)
    assert result.wer == 0.0 and heard == [(np.float32, RATE)]
    silent = speech_wer(np.zeros(RATE), RATE, "drop the two", fake_asr)
    assert silent.wer == 1.0 and len(heard) == 1  # silence is not sent to the ASR

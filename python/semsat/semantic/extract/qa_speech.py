"""extract_speech: the speech half of a clip's semantics, on a GRID clip and on bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.semantic.extract.phonemes import PHONES, SILENCE
from gnuradio.semsat.semantic.extract.speech import SpeechSemantics, extract_speech, frames_per_phone
from gnuradio.semsat.testing_media import require_media

# MANIFEST.tsv transcript of clips/grid_lbbc2a.mpg
GRID_CLIP, GRID_TRANSCRIPT = "clips/grid_lbbc2a.mpg", "lay blue by c two again"


@pytest.fixture(scope="module")
def clip():
    return read_clip(require_media() / GRID_CLIP)


def _check_contract(s: SpeechSemantics, n_frames: int, fps: float, duration_ms: float) -> None:
    p, w = len(s.phonemes), len(s.words)
    assert s.text == " ".join(s.words)
    assert s.word_spans_ms.shape == (w, 2) and s.word_spans_ms.dtype == np.float32
    per_phone = {"phoneme_ids": np.int16, "phoneme_word_index": np.int16, "durations_ms": np.float32}
    for name, dtype in [*per_phone.items(), ("durations_frames", np.int16)]:
        assert getattr(s, name).shape == (p,) and getattr(s, name).dtype == dtype, name
    assert s.phoneme_spans_ms.shape == (p, 2) and s.phoneme_spans_ms.dtype == np.float32
    assert [PHONES[i] for i in s.phoneme_ids] == s.phonemes
    assert np.array_equal(s.phoneme_word_index == -1, np.array(s.phonemes) == SILENCE)
    assert s.pitch_hz.shape == s.energy_db.shape == (n_frames,)
    assert s.pitch_hz.dtype == s.energy_db.dtype == np.float32 and np.all(np.isfinite(s.energy_db))
    # Durations sum to the utterance: exactly in frames, within 2 frames in milliseconds.
    assert int(s.durations_frames.sum()) == n_frames and np.all(s.durations_frames >= 0)
    assert abs(float(s.durations_ms.sum()) - duration_ms) <= 2 * 1000.0 / fps
    assert np.allclose(s.durations_ms, s.phoneme_spans_ms[:, 1] - s.phoneme_spans_ms[:, 0])


def test_grid_clip_with_its_transcript(clip):
    speech = extract_speech(clip.audio, clip.sample_rate, clip.n_frames, clip.fps, transcript=GRID_TRANSCRIPT)
    _check_contract(speech, clip.n_frames, clip.fps, 1000.0 * clip.n_frames / clip.fps)
    assert speech.words == GRID_TRANSCRIPT.split() and speech.asr_engine == "transcript"
    assert speech.alignment_method == "pocketsphinx"
    # Frame counts follow the millisecond timing: every phone boundary within a frame of its time.
    frame_ends = np.cumsum(speech.durations_frames) * 1000.0 / clip.fps
    assert np.all(np.abs(frame_ends - speech.phoneme_spans_ms[:, 1]) <= 1000.0 / clip.fps / 2 + 1e-3)
    # Voiced speech lies inside the words; the pauses around them are quieter.
    in_words = np.zeros(clip.n_frames, bool)
    for start, end in speech.word_spans_ms:
        in_words[int(start * clip.fps / 1000) : int(end * clip.fps / 1000)] = True
    assert np.mean(speech.pitch_hz[in_words] > 0) > 0.5 and np.mean(speech.pitch_hz[~in_words] > 0) < 0.2
    assert np.median(speech.energy_db[in_words]) > np.median(speech.energy_db[~in_words]) + 10


def test_grid_clip_recognized_with_the_grammar(clip):
    speech = extract_speech(clip.audio, clip.sample_rate, clip.n_frames, clip.fps, grammar="grid")
    assert speech.text == GRID_TRANSCRIPT and speech.asr_engine == "whisper-base+grid"
    _check_contract(speech, clip.n_frames, clip.fps, 1000.0 * clip.n_frames / clip.fps)


@pytest.mark.parametrize("n_samples, n_frames", [(48000, 75), (640, 1)])
def test_silence_is_flagged_not_fatal(n_samples, n_frames):
    with pytest.warns(UserWarning, match="no speech found"):
        speech = extract_speech(np.zeros(n_samples, np.float32), 16000, n_frames, transcript="bin blue")
    with pytest.warns(UserWarning, match="no speech found"):
        recognized = extract_speech(np.zeros(n_samples, np.float32), 16000, n_frames)
    for s in (speech, recognized):
        _check_contract(s, n_frames, 25.0, n_samples / 16.0)
        assert s.text == "" and s.phonemes == [SILENCE] and s.durations_frames.tolist() == [n_frames]
        assert s.alignment_method == "silence" and np.all(s.pitch_hz == 0)


def test_transcript_without_words_is_flagged(clip):
    with pytest.warns(UserWarning, match="transcript has no words"):
        speech = extract_speech(clip.audio, clip.sample_rate, clip.n_frames, transcript="?!")
    assert speech.text == "" and speech.phonemes == [SILENCE]


def test_out_of_vocabulary_transcript(clip):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        speech = extract_speech(
            clip.audio, clip.sample_rate, clip.n_frames, transcript="Zorblax blue by C2 again"
        )
    assert speech.words == ["zorblax", "blue", "by", "c", "two", "again"]
    _check_contract(speech, clip.n_frames, clip.fps, 1000.0 * clip.n_frames / clip.fps)


@pytest.mark.parametrize("fill", [np.nan, np.inf, -np.inf])
def test_non_finite_audio_is_refused(fill):
    audio = np.zeros(16000, np.float32)
    audio[100] = fill
    with pytest.raises(ValueError, match="NaN or inf"):
        extract_speech(audio, 16000, 25)
    with pytest.raises(ValueError, match="NaN or inf"):
        extract_speech(np.full(16000, fill, np.float32), 16000, 25, transcript="hello")


def test_impossible_arguments():
    with pytest.raises(ValueError, match="n_frames"):
        extract_speech(np.zeros(16000, np.float32), 16000, 0)
    with pytest.raises(ValueError, match="fps"):
        extract_speech(np.zeros(16000, np.float32), 16000, 25, fps=float("nan"))
    with pytest.raises(ValueError, match="mono"):
        extract_speech(np.zeros((16000, 2), np.float32), 16000, 25)


def test_frames_per_phone_rounds_cumulatively():
    spans = np.array([[0, 15], [15, 35], [35, 50], [50, 1000]], np.float32)  # ms
    frames = frames_per_phone(spans, 25, 25.0)
    assert frames.tolist() == [0, 1, 0, 24] and frames.sum() == 25
    # 37 phones of 27 ms: per-phone rounding would give 37 frames; cumulative rounding gives the 25 there are.
    even = np.stack([np.arange(37) * 27.0, np.arange(1, 38) * 27.0], axis=1).astype(np.float32)
    assert frames_per_phone(even, 25, 25.0).sum() == 25

"""Forced alignment on real speech with known transcripts (MANIFEST.tsv), and the phone table."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_audio
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.semantic.extract.alignment import MIN_PHONE_MS, NO_WORD, align, enforce_min_duration
from gnuradio.semsat.semantic.extract.phonemes import PHONES, SILENCE, phone_id, phone_name
from gnuradio.semsat.semantic.extract.pronunciation import in_dictionary, letter_to_sound
from gnuradio.semsat.testing_media import require_media

FRAME_MS = 40.0  # one video frame at 25 fps


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, np.ndarray, str]]:
    """Every GRID clip and speech file with a transcript: (name, 16 kHz audio, transcript)."""
    media = require_media()
    entries = [e for e in read_manifest(media) if e.transcript is not None]
    return [(e.file, read_audio(media / e.file), e.transcript) for e in entries]


def test_phone_table_is_arpabet_with_silence_first():
    assert len(PHONES) == 40 and PHONES[0] == SILENCE == "SIL"
    assert len(set(PHONES)) == 40
    assert phone_id("UW1") == phone_id("uw") == PHONES.index("UW")
    assert phone_name(phone_id("ZH")) == "ZH"
    with pytest.raises(ValueError, match="not an ARPAbet phone"):
        phone_id("QX")
    with pytest.raises(ValueError, match="outside"):
        phone_name(40)


def test_alignment_of_every_transcribed_recording(corpus):
    for name, audio, transcript in corpus:
        result = align(audio, 16000, transcript)
        spans, words = result.phone_spans_ms, result.words
        duration_ms = 1000.0 * audio.size / 16000
        assert result.method == "pocketsphinx", name
        assert words == transcript.split(), name
        # The phones tile the utterance: from 0, contiguous, to the audio's end; none under 10 ms.
        assert spans[0, 0] == 0 and np.array_equal(spans[1:, 0], spans[:-1, 1]), name
        assert abs(float(np.diff(spans, axis=1).sum()) - duration_ms) <= 2 * FRAME_MS, name
        assert abs(float(spans[-1, 1]) - duration_ms) < 1.0, name
        assert np.all(np.diff(spans, axis=1) >= MIN_PHONE_MS - 1e-3), name
        assert all(PHONES[phone_id(p)] == p for p in result.phones)
        # Each word owns a run of phones inside its span, and SIL belongs to no word.
        index = result.phone_word_index
        assert np.array_equal(index == NO_WORD, np.array(result.phones) == SILENCE), name
        assert np.array_equal(np.unique(index[index >= 0]), np.arange(len(words))), name
        assert np.all(np.diff(index[index >= 0]) >= 0), name
        for w, (start, end) in enumerate(result.word_spans_ms):
            inside = spans[index == w]
            assert start <= inside[:, 0].min() and inside[:, 1].max() <= end, (name, words[w])
        assert np.all(result.word_spans_ms[1:, 0] >= result.word_spans_ms[:-1, 1]), name


def test_inserted_pause_is_found_as_silence(corpus):
    """Independent truth: 0.6 s of digital silence spliced between two recordings must come out as SIL."""
    by_name = {name: audio for name, audio, _ in corpus}
    first, second = by_name["speech/alsa_Front_Left.wav"], by_name["speech/alsa_Rear_Right.wav"]
    gap = np.zeros(9600, np.float32)
    gap_start_ms, gap_end_ms = 1000.0 * first.size / 16000, 1000.0 * (first.size + gap.size) / 16000
    result = align(np.concatenate([first, gap, second]), 16000, "front left rear right")
    words = dict(zip(result.words, result.word_spans_ms.tolist(), strict=True))
    assert words["left"][1] <= gap_start_ms + 30 and words["rear"][0] >= gap_end_ms - 30
    silent = [s for p, s in zip(result.phones, result.phone_spans_ms, strict=True) if p == SILENCE]
    covered = sum(max(0.0, min(e, gap_end_ms) - max(s, gap_start_ms)) for s, e in silent)
    assert covered >= 0.9 * (gap_end_ms - gap_start_ms)


def test_out_of_vocabulary_word_is_aligned_by_letter_to_sound(corpus):
    audio = next(a for name, a, _ in corpus if name == "clips/grid_bbaf2n.mpg")
    assert not in_dictionary("bloo") and letter_to_sound("bloo") == ["B", "L", "UW"]
    known = align(audio, 16000, "bin blue at f two now")
    unknown = align(audio, 16000, "bin bloo at f two now")
    assert unknown.method == "pocketsphinx" and unknown.words[1] == "bloo"
    assert np.allclose(unknown.word_spans_ms[1], known.word_spans_ms[1], atol=30)
    # Nonsense words still align without error, whatever their quality.
    assert align(audio, 16000, "bin xqzwv at f two now").words[1] == "xqzwv"


def test_unalignable_transcript_falls_back_to_even_spans(corpus):
    audio = next(a for name, a, _ in corpus if name == "speech/alsa_Front_Left.wav")
    long_text = " ".join(["the quick brown fox jumps over the lazy dog"] * 3)
    with pytest.warns(UserWarning, match="spread evenly"):
        result = align(audio, 16000, long_text)
    assert result.method == "even" and result.words == long_text.split()
    spans = result.phone_spans_ms
    assert spans[0, 0] == 0 and np.array_equal(spans[1:, 0], spans[:-1, 1])
    assert abs(spans[-1, 1] - 1000.0 * audio.size / 16000) < 1.0


def test_silence_or_empty_transcript_is_one_pause():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for audio, text in [(np.zeros(16000, np.float32), "hello"), (np.zeros(640, np.float32), "hi"),
                            (np.full(16000, 0.1, np.float32), " ?! ")]:  # fmt: skip
            result = align(audio, 16000, text)
            assert result.method == "silence" and result.words == [] and result.phones == [SILENCE]
            assert result.phone_spans_ms.tolist() == [[0.0, 1000.0 * audio.size / 16000]]


def test_min_duration_guard():
    bounds = np.array([0.0, 2.0, 300.0, 305.0, 600.0])
    fixed = enforce_min_duration(bounds, 10.0)
    assert fixed[0] == 0 and fixed[-1] == 600 and np.all(np.diff(fixed) >= 10.0 - 1e-9)
    assert np.array_equal(enforce_min_duration(np.array([0.0, 50.0, 100.0]), 10.0), [0.0, 50.0, 100.0])
    assert np.allclose(enforce_min_duration(np.array([0.0, 1.0, 2.0, 15.0]), 10.0), [0, 5, 10, 15])

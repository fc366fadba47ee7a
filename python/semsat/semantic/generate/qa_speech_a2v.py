"""A2V speech on the GRID clips and the speech recordings, each against independent truth:
- intelligibility: Whisper base WER on the synthesized speech, over all the corpus's words, at most 0.10
  above its WER on the original speech, both against MANIFEST's transcript;
- timing: >= 95% of phone starts of the synthesized speech, re-aligned by the project's aligner, within
  40 ms of the transmitted ones;
- sync: the AV offset of the ORIGINAL video's landmarks with the synthesized audio within 2 frames (GRID).
Plain flite (no warp, padded to the clip) is printed beside as the trivial baseline. Then bad input."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.effect.av_offset import av_offset
from gnuradio.semsat.semantic.extract.alignment import align
from gnuradio.semsat.semantic.extract.asr import transcribe
from gnuradio.semsat.semantic.generate.speech_a2v import synthesize_a2v
from gnuradio.semsat.semantic.generate.speech_testing import (
    FPS,
    Recording,
    corpus,
    grid_landmarks,
    word_errors,
)
from gnuradio.semsat.semantic.generate.time_warp import match_phones
from gnuradio.semsat.semantic.generate.tts import synthesize
from gnuradio.semsat.semantic.generate.voice_profile import VoiceProfile

RATE = 16_000
WER_MARGIN = 0.10
BOUNDARY_MS, BOUNDARY_SHARE = 40.0, 0.95
MAX_OFFSET_FRAMES = 2


def a2v(recording: Recording) -> np.ndarray:
    """What the receiver rebuilds from the transmitted text, phones, durations (frames) and coarse prosody
    (pitch and energy per frame)."""
    s = recording.speech
    prosody = {"pitch_hz": s.pitch_hz, "energy_db": s.energy_db}
    return synthesize_a2v(s.text, s.phoneme_ids, s.durations_frames, recording.profile, **prosody)


def plain_flite(recording: Recording) -> np.ndarray:
    reading = synthesize(recording.speech.text, recording.profile.flite_voice)[: recording.audio.size]
    return np.pad(reading, (0, recording.audio.size - reading.size))


def starts_within(recording: Recording, audio: np.ndarray) -> tuple[int, int]:
    """Phone starts (after the first) of ``audio``, re-aligned, within BOUNDARY_MS of the transmitted ones."""
    s = recording.speech
    transmitted = np.concatenate([[0], np.cumsum(s.durations_frames)]) * 1000.0 / FPS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        heard = align(audio, RATE, s.text)
    pairs = [(i, j) for i, j in match_phones(s.phonemes, heard.phones) if i > 0]
    close = sum(abs(transmitted[i] - heard.phone_spans_ms[j, 0]) <= BOUNDARY_MS for i, j in pairs)
    return int(close), len(s.phonemes) - 1


@cache
def results() -> list[dict]:
    rows = []
    for recording in corpus():
        out = a2v(recording)
        plain = plain_flite(recording)
        row = {
            "name": recording.name,
            "seconds": out.size / RATE,
            "expected_seconds": recording.n_frames / FPS,
            "original": word_errors(recording.transcript, recording.heard),
            "a2v": word_errors(recording.transcript, transcribe(out, RATE)),
            "flite": word_errors(recording.transcript, transcribe(plain, RATE)),
            "starts": starts_within(recording, out),
            "flite_starts": starts_within(recording, plain),
        }
        if recording.name.startswith("grid"):
            landmarks = grid_landmarks(recording.name)
            row["offset"] = av_offset(landmarks, out, RATE, FPS).lag_frames
            row["flite_offset"] = av_offset(landmarks, plain, RATE, FPS).lag_frames
        rows.append(row)
        print(
            f"{row['name'][:34]:34s} WER orig {row['original'][0] / row['original'][1]:.2f} "
            f"a2v {row['a2v'][0] / row['a2v'][1]:.2f} flite {row['flite'][0] / row['flite'][1]:.2f} | "
            f"starts <=40ms {row['starts'][0]}/{row['starts'][1]} flite {row['flite_starts'][0]} | "
            f"offset {row.get('offset', '-')} flite {row.get('flite_offset', '-')}"
        )
    return rows


def corpus_wer(rows: list[dict], key: str) -> float:
    return sum(r[key][0] for r in rows) / sum(r[key][1] for r in rows)


def test_speech_lasts_the_transmitted_durations():
    for row in results():
        assert abs(row["seconds"] - row["expected_seconds"]) < 1e-3, row["name"]


def test_intelligibility_within_a_tenth_of_the_original():
    rows = results()
    original, synthetic, flite = (corpus_wer(rows, k) for k in ("original", "a2v", "flite"))
    words = sum(r["a2v"][1] for r in rows)
    print(f"corpus WER ({words} words): original {original:.3f}, A2V {synthetic:.3f}, flite {flite:.3f}")
    assert synthetic <= original + WER_MARGIN


def test_phone_starts_land_on_the_transmitted_ones():
    rows = results()
    close, total = (sum(r["starts"][k] for r in rows) for k in (0, 1))
    flite = sum(r["flite_starts"][0] for r in rows)
    print(f"phone starts within {BOUNDARY_MS:.0f} ms: A2V {close}/{total}, plain flite {flite}/{total}")
    assert close >= BOUNDARY_SHARE * total


def test_in_sync_with_the_original_video_on_grid():
    offsets = {r["name"]: r["offset"] for r in results() if "offset" in r}
    assert len(offsets) == 5
    for name, offset in offsets.items():
        assert offset is not None and abs(offset) <= MAX_OFFSET_FRAMES, (name, offset)


@pytest.fixture
def profile() -> VoiceProfile:
    return corpus()[0].profile


def test_empty_text_is_silence_of_the_right_length(profile):
    out = synthesize_a2v("", ["SIL"], [50], profile)
    assert out.size == 2 * RATE and not out.any()


def test_unknown_words_and_zero_durations_still_fit(profile):
    phones = ["SIL", "Z", "AO", "R", "B", "Y", "UW", "L", "AE", "K", "S", "SIL"]
    frames = [5, 3, 4, 0, 2, 2, 3, 0, 4, 2, 3, 10]
    out = synthesize_a2v("zorbulax", phones, frames, profile)
    assert out.size == sum(frames) * RATE // 25 and np.isfinite(out).all() and out.any()


def test_bad_input_is_refused_clearly(profile):
    with pytest.raises(ValueError, match="2 phonemes but 1 durations"):
        synthesize_a2v("go", ["G", "OW"], [3], profile)
    with pytest.raises(ValueError, match=">= 0"):
        synthesize_a2v("go", ["G", "OW"], [3, -1], profile)
    with pytest.raises(ValueError, match="phone"):
        synthesize_a2v("go", ["G", "XX"], [3, 3], profile)
    with pytest.raises(ValueError, match="durations_in"):
        synthesize_a2v("go", ["G", "OW"], [3, 3], profile, durations_in="s")

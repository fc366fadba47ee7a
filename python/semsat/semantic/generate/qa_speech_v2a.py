"""V2A speech on the GRID clips: text + the transmitted lip motion (face_params[:, 0], mouth opening) →
speech in sync with the ORIGINAL video (AV offset on its dlib landmarks within 2 frames, against plain flite
as the trivial baseline) and intelligible (Whisper WER over the GRID words at most 0.2 above the
original's); then bad input."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.effect.av_offset import av_offset
from gnuradio.semsat.semantic.extract.asr import transcribe
from gnuradio.semsat.semantic.generate.speech_testing import (
    FPS,
    corpus,
    grid_landmarks,
    grid_mouth_opening,
    word_errors,
)
from gnuradio.semsat.semantic.generate.speech_v2a import speaking_intervals, synthesize_v2a
from gnuradio.semsat.semantic.generate.tts import synthesize

RATE = 16_000
MAX_OFFSET_FRAMES = 2
WER_MARGIN = 0.2


@cache
def results() -> list[dict]:
    rows = []
    for recording in (r for r in corpus() if r.name.startswith("grid")):
        landmarks = grid_landmarks(recording.name)
        opening = grid_mouth_opening(recording.name)
        out = synthesize_v2a(recording.transcript, recording.profile, FPS, opening=opening)
        plain = synthesize(recording.transcript, recording.profile.flite_voice)[: recording.audio.size]
        plain = np.pad(plain, (0, recording.audio.size - plain.size))
        row = {
            "name": recording.name,
            "samples": (out.size, recording.n_frames * RATE // 25),
            "offset": av_offset(landmarks, out, RATE, FPS).lag_frames,
            "flite_offset": av_offset(landmarks, plain, RATE, FPS).lag_frames,
            "original": word_errors(recording.transcript, recording.heard),
            "v2a": word_errors(recording.transcript, transcribe(out, RATE)),
        }
        rows.append(row)
        print(
            f"{row['name']}: offset {row['offset']} (plain flite {row['flite_offset']}), "
            f"WER {row['v2a'][0] / row['v2a'][1]:.2f} "
            f"(original {row['original'][0] / row['original'][1]:.2f})"
        )
    return rows


def test_speech_lasts_the_video():
    for row in results():
        assert row["samples"][0] == row["samples"][1], row["name"]


def test_in_sync_with_the_original_video():
    for row in results():
        assert row["offset"] is not None and abs(row["offset"]) <= MAX_OFFSET_FRAMES, row


def test_intelligible():
    rows = results()
    words = sum(r["v2a"][1] for r in rows)
    original = sum(r["original"][0] for r in rows) / words
    synthetic = sum(r["v2a"][0] for r in rows) / words
    print(f"GRID WER ({words} words): original {original:.3f}, V2A {synthetic:.3f}")
    assert synthetic <= original + WER_MARGIN


def test_speaking_intervals_follow_a_moving_mouth():
    opening = np.full(75, 0.1)
    opening[20:50] += 0.2 * (np.arange(30) % 6 < 3)  # 1.2 s of syllables from 0.8 s
    intervals = speaking_intervals(opening, FPS)
    assert len(intervals) == 1
    start, end = intervals[0]
    assert abs(start - 800) <= 80 and abs(end - 2000) <= 120


@pytest.fixture
def profile():
    return corpus()[0].profile


def test_landmarks_drive_it_too(profile):
    landmarks = grid_landmarks("grid_lbax4n")
    out = synthesize_v2a("lay blue at x four now", profile, FPS, landmarks68=landmarks)
    assert out.size == landmarks.shape[0] * RATE // 25 and out.any()


def test_empty_text_and_still_mouth(profile):
    assert not synthesize_v2a("", profile, FPS, opening=np.full(50, 0.2)).any()
    out = synthesize_v2a("go forward", profile, FPS, opening=np.full(50, 0.2))
    assert out.size == 2 * RATE and out.any()


def test_bad_input_is_refused_clearly(profile):
    with pytest.raises(ValueError, match="exactly one"):
        synthesize_v2a("go", profile, FPS)
    with pytest.raises(ValueError, match="no finite value"):
        synthesize_v2a("go", profile, FPS, opening=np.full(10, np.nan))
    with pytest.raises(ValueError, match="fps"):
        synthesize_v2a("go", profile, 0.0, opening=np.ones(10))

"""semsat-extract end to end on real media, and on every kind of bad input the issue lists."""

import subprocess
import sys
from pathlib import Path

import numpy as np
from gnuradio.semsat.media.clip import read_video
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.semantic.features import ClipFeatures
from gnuradio.semsat.testing_media import require_media

EXTRACT = Path(sys.prefix) / "bin" / "semsat-extract"


def run_extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXTRACT), *args], capture_output=True, text=True)


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2, one 'semsat-extract: error:' line naming the problem, no Python traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("semsat-extract: error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]


def test_grid_clip_with_known_transcript(tmp_path):
    clip = require_media() / "clips" / "grid_lbax4n.mpg"
    out = tmp_path / "f.npz"
    result = run_extract(str(clip), "-o", str(out), "--transcript", "lay blue at x four now")
    assert result.returncode == 0, result.stderr
    features = ClipFeatures.load(out)
    assert features.n_frames == 75
    assert features.words == ["lay", "blue", "at", "x", "four", "now"]
    assert features.face_found.mean() >= 0.95
    assert int(features.durations.sum()) == 75
    assert "frames/s" in result.stdout


def test_grid_grammar_transcribes_exactly(tmp_path):
    clip = require_media() / "clips" / "grid_bbaf2n.mpg"
    out = tmp_path / "f.npz"
    assert run_extract(str(clip), "-o", str(out), "--grammar", "grid", "--quiet").returncode == 0
    assert ClipFeatures.load(out).text == "bin blue at f two now"


def test_zero_byte_and_non_media_files(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert_clean_error(run_extract(str(empty), "-o", str(tmp_path / "x.npz")), "empty.mp4", "empty")
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 50)
    assert_clean_error(run_extract(str(text), "-o", str(tmp_path / "x.npz")), "notes.mp4")
    assert_clean_error(run_extract(str(tmp_path / "missing.mp4"), "-o", str(tmp_path / "x.npz")), "missing")


def test_clip_without_a_face(tmp_path):
    grey = tmp_path / "grey.mp4"
    rng = np.random.default_rng(0)
    frames = np.full((25, 128, 128, 3), 128, np.uint8) + rng.integers(0, 8, (25, 128, 128, 3), dtype=np.uint8)
    write_clip(grey, frames, 25.0, np.zeros(16000, np.float32))
    assert_clean_error(run_extract(str(grey), "-o", str(tmp_path / "x.npz")), "grey.mp4", "face")


def test_silent_audio_is_flagged_not_fatal(tmp_path):
    frames = read_video(require_media() / "clips" / "grid_lrwp9a.mpg")
    silent = tmp_path / "silent.mp4"
    write_clip(silent, frames, 25.0, np.zeros(len(frames) * 16000 // 25, np.float32))
    out = tmp_path / "f.npz"
    result = run_extract(str(silent), "-o", str(out))
    assert result.returncode == 0, result.stderr
    features = ClipFeatures.load(out)
    assert features.text == "" and features.words == []
    assert int(features.durations.sum()) == features.n_frames


def test_one_frame_clip(tmp_path):
    clip = require_media() / "clips" / "grid_lbbc2a.mpg"
    out = tmp_path / "f.npz"
    result = run_extract(str(clip), "-o", str(out), "--max-frames", "1")
    assert result.returncode == 0, result.stderr
    assert ClipFeatures.load(out).n_frames == 1

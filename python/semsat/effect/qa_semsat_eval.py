"""The semsat-eval command: a table and a JSON file for two clips; one clear line and exit 2 for a file
that is not media."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.testing_media import require_media


def semsat_eval() -> list[str]:
    """The installed command, else the source tree's (pytest runs from the repository root)."""
    script = shutil.which("semsat-eval") or str(Path.cwd() / "apps" / "semsat-eval")
    if not Path(script).is_file():
        pytest.skip("semsat-eval is neither installed nor in ./apps")
    return [sys.executable, script]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*semsat_eval(), *args], capture_output=True, text=True, timeout=120)


def test_two_clips_give_a_table_and_json(tmp_path):
    reference = require_media() / "clips/grid_lbax4n.mpg"
    clip = read_clip(reference, max_frames=20)
    still = np.repeat(clip.frames[:1], clip.n_frames, axis=0)
    output = tmp_path / "still.mp4"
    write_clip(output, still, clip.fps, clip.audio, clip.sample_rate)
    report = tmp_path / "metrics.json"
    # --no-crop keeps mediapipe out of this test (the crop path is covered by qa_evaluate.py)
    done = run(
        str(reference), str(output), "--max-frames", "20", "--no-asr", "--no-crop", "--json", str(report)
    )
    assert done.returncode == 0, done.stderr
    assert "frozen baseline" in done.stdout and "akd_px" in done.stdout
    result = json.loads(report.read_text())
    assert result["frames"]["compared"] == 20
    assert result["metrics"]["akd_px"]["output"] > 0.5  # a still picture against a talking face


def test_a_file_that_is_not_media_exits_2_with_one_line(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video\n")
    done = run(str(bogus), str(bogus))
    assert done.returncode == 2
    assert done.stderr.startswith("semsat-eval: error:") and "notes.mp4" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1

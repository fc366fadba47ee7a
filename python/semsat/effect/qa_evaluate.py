"""evaluate(): a clip against itself scores perfectly, with the frozen baseline beside it near the GRID
ranges of dependencies.md; the frozen column equals evaluating the frozen clip; bad pairs are refused."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.effect.evaluate import evaluate
from gnuradio.semsat.effect.image_quality import PSNR_CAP_DB
from gnuradio.semsat.media.clip import Clip, read_clip
from gnuradio.semsat.media.face_crop import CROP_SIZE, crop_frames
from gnuradio.semsat.semantic.extract.face_track import track_face
from gnuradio.semsat.testing_media import require_media

GRID = {
    "grid_bbaf2n": "bin blue at f two now",
    "grid_brbk7n": "bin red by k seven now",
    "grid_lbax4n": "lay blue at x four now",
    "grid_lbbc2a": "lay blue by c two again",
    "grid_lrwp9a": "lay red with p nine again",
}
VISUAL = ("akd_px", "mouth_akd_px", "psnr_db", "ssim", "identity_distance", "csim")


@cache
def grid(name: str, max_frames: int | None = None) -> Clip:
    return read_clip(require_media() / f"clips/{name}.mpg", max_frames=max_frames)


@pytest.mark.parametrize("name", GRID)
def test_a_grid_clip_against_itself_beside_the_frozen_baseline(name):
    clip = grid(name)
    asked = []

    def fake_asr(audio: np.ndarray, sample_rate: int) -> str:
        asked.append(audio.size)
        return GRID[name].upper() + "."

    result = evaluate(clip, clip, GRID[name], transcribe=fake_asr)
    json.dumps(result, allow_nan=False)  # JSON-ready: no NaN, no numpy scalars
    m = result["metrics"]
    assert result["frames"] == {
        "reference": 75,
        "output": 75,
        "compared": 75,
        "fps": 25.0,
        "size": [CROP_SIZE, CROP_SIZE],
        "cropped": True,
    }
    assert m["akd_px"]["output"] == 0.0 and m["mouth_akd_px"]["output"] == 0.0
    assert m["psnr_db"]["output"] == PSNR_CAP_DB and m["ssim"]["output"] == pytest.approx(1.0)
    assert m["identity_distance"]["output"] == 0.0 and m["csim"]["output"] == pytest.approx(1.0)
    assert m["wer"] == {"output": 0.0, "frozen": 0.0} and len(asked) == 2
    assert m["pesq_wb"]["output"] > 4.0 and m["stoi"]["output"] == pytest.approx(1.0, abs=1e-6)
    assert m["av_offset_frames"]["output"] == m["av_offset_frames"]["reference"]
    assert abs(m["av_offset_frames"]["output"]) <= 1
    assert "static mouth" in m["av_offset_frames"]["why_missing"]["frozen"]
    assert result["details"]["audio_delay_s"] == 0.0
    # dependencies.md: frozen GRID AKD 1.6-4.4 px, PSNR 24-28 dB, measured with a crop where the face is
    # ~10% larger and frame 0 apparently left out. With this crop and 60-dB-capped frame 0: AKD 1.48-3.86,
    # PSNR 25.0-29.0 on the five clips. The bounds allow for that difference, not more.
    assert 1.3 <= m["akd_px"]["frozen"] <= 4.4
    assert 24.0 <= m["psnr_db"]["frozen"] <= 29.5
    assert 0.6 < m["ssim"]["frozen"] < 0.95
    assert m["identity_distance"]["frozen"] < 0.3  # the same person, other frames
    assert m["akd_missing_frames"] == {"output": 0, "frozen": 0}


def test_frozen_column_is_the_frozen_clip_measured_the_long_way():
    clip = grid("grid_lrwp9a", 30)
    still = replace(clip, frames=np.repeat(clip.frames[:1], clip.n_frames, axis=0), source="frozen")
    m = evaluate(clip, still, transcribe=None)["metrics"]
    for metric in VISUAL:
        assert m[metric]["frozen"] == pytest.approx(m[metric]["output"], rel=1e-9), metric
    assert m["wer"]["why_missing"] == {"output": "ASR off", "frozen": "ASR off"}


def test_an_output_already_cropped_is_compared_as_the_crop():
    clip = grid("grid_lbbc2a", 25)
    boxes = track_face(clip).crop_boxes
    shorter = replace(clip, frames=crop_frames(clip.frames, boxes)[:20], audio=clip.audio[: 20 * 640])
    heard = []

    def fake_asr(audio: np.ndarray, sample_rate: int) -> str:
        heard.append(audio.size)
        return "lay blue"

    result = evaluate(clip, shorter, transcribe=fake_asr, crop_boxes=boxes)
    assert result["frames"]["compared"] == 20 and result["frames"]["output"] == 20
    assert result["metrics"]["akd_px"]["output"] == 0.0
    assert result["metrics"]["psnr_db"]["output"] == PSNR_CAP_DB
    # No reference text: WER against what the ASR hears in the reference (asked once for it, once for the
    # output), so the frozen baseline, which has the reference audio, scores 0 by construction.
    assert result["metrics"]["wer"] == {"output": 0.0, "frozen": 0.0} and len(heard) == 2
    assert result["details"]["wer_scored_against"] == "ASR transcript of the reference audio"


def test_mismatched_clips_are_refused_clearly():
    clip = grid("grid_lbbc2a", 25)
    with pytest.raises(ValueError, match="frame rates differ"):
        evaluate(clip, replace(clip, fps=30.0), transcribe=None)
    with pytest.raises(ValueError, match="audio rates differ"):
        evaluate(clip, replace(clip, sample_rate=8000), transcribe=None)
    small = replace(clip, frames=clip.frames[:, :100, :100])
    with pytest.raises(ValueError, match="neither the reference's size"):
        evaluate(clip, small, transcribe=None)
    with pytest.raises(ValueError, match="cropping is off"):
        evaluate(clip, small, transcribe=None, crop=False)

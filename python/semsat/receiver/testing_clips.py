"""Clip semantics for the receiver's tests: a synthetic valid ClipFeatures, and a real GRID clip's features
extracted once and cached."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..semantic.extract.expression_model import installed_model_tag
from ..semantic.features import ClipFeatures
from ..testing_media import require_media

GRID_CLIP = "grid_bbaf2n.mpg"
GRID_TRANSCRIPT = "bin blue at f two now"


def synthetic_features(t: int = 30, seed: int = 0) -> ClipFeatures:
    """A valid clip of ``t`` frames (t >= 4) with smooth face parameters."""
    rng = np.random.default_rng(seed)
    frames = np.arange(t, dtype=np.float32)[:, None]
    face = (0.1 * np.sin(frames / 5 + rng.uniform(0, 6, 12))).astype(np.float32)
    words = ["bin", "blue"]
    half = t // 2
    return ClipFeatures(
        fps=25.0,
        face_params=face,
        landmarks68=rng.uniform(0, 256, (t, 68, 2)).astype(np.float32),
        face_confidence=np.ones(t, np.float32),
        face_found=np.ones(t, bool),
        crop_boxes=np.tile(np.array([10, 20, 210, 220], np.float32), (t, 1)),
        identity=rng.standard_normal(128).astype(np.float32),
        text="bin blue",
        words=words,
        word_ids=np.array([0, 1], np.int32),
        word_spans_ms=np.array([[0, half * 40], [half * 40, t * 40]], np.float32),
        phonemes=np.array([0, 5, 6, 0], np.int16),
        phoneme_word_index=np.array([-1, 0, 1, -1], np.int16),
        durations=np.array([1, half - 1, t - half - 1, 1], np.int16),
        durations_ms=np.array([40, (half - 1) * 40, (t - half - 1) * 40, 40], np.float32),
        pitch=np.full(t, 120.0, np.float32),
        energy=np.full(t, -30.0, np.float32),
        speaker="bbaf2n",
    )


def grid_features(cache_dir: Path) -> ClipFeatures:
    """The features of a GRID clip of ../shared/media (skips without it), extracted once into cache_dir."""
    cached = (
        cache_dir / f"grid_bbaf2n_features-{installed_model_tag()}.npz"
    )  # face params depend on the model
    if cached.is_file():
        return ClipFeatures.load(cached)
    from ..semantic.extract.pipeline import extract_clip

    features = extract_clip(require_media() / "clips" / GRID_CLIP, transcript=GRID_TRANSCRIPT)
    features.save(cached)
    return features

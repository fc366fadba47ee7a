"""SVC's keypoint codebook from the GRID development clips (their cached clean features), for the tests,
the benchmark and semsat-link: both ends of a link must use the same one, so it is fitted the same way from
the same corpus. ``exclude`` leaves one clip's speaker out when that clip is the one being sent."""

from __future__ import annotations

from pathlib import Path

from ..semantic.features import FEATURES_CACHE
from ..train.a2f import cached_grid_features
from .keypoint_codebook import KeypointCodebook


def grid_codebook(media: Path, exclude: str = "", cache: Path = FEATURES_CACHE) -> KeypointCodebook:
    """PCA of the landmark motion of the GRID clips in ``media`` (MANIFEST.tsv), but the clip named
    ``exclude`` (file stem, e.g. "grid_bbaf2n")."""
    features = [f for f in cached_grid_features(Path(media), cache) if Path(f.source).stem != exclude]
    if not features:
        raise ValueError(f"{media}: no GRID clip left to fit the keypoint codebook on")
    return KeypointCodebook.fit([f.landmarks68 for f in features])

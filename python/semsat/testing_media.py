"""Where tests find the development media corpus (../shared/media next to the repository), or skip.

Tests run from the source tree or from the installed package, so the corpus is located from the environment
(SEMSAT_MEDIA) or from the working directory (pytest runs from the repository root), never from __file__.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

MEDIA_ENV = "SEMSAT_MEDIA"

# The development clips by kind: GRID (studio, 3 s, still camera) and in-the-wild talking heads.
GRID_CLIPS = ["grid_bbaf2n.mpg", "grid_brbk7n.mpg", "grid_lbax4n.mpg", "grid_lbbc2a.mpg", "grid_lrwp9a.mpg"]
WILD_CLIPS = [
    "pcavs_vox2_Audio_Source_00015.mp4",
    "pcavs_vox2_Audio_Source_00086.mp4",
    "pcavs_vox2_Audio_Source_00104.mp4",
    "pcavs_vox2_Pose_Source_741400163.mp4",
    "retalking_face1.mp4",
]


def media_dir() -> Path | None:
    """The media folder (holding clips/ and speech/): $SEMSAT_MEDIA, else the first ``shared/media`` found
    beside the working directory or one of its parents; None when there is none."""
    configured = os.environ.get(MEDIA_ENV)
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_dir() else None
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder.parent / "shared" / "media"
        if candidate.is_dir():
            return candidate
    return None


def require_media() -> Path:
    """The media folder, or skips the calling test with a message saying how to provide it."""
    path = media_dir()
    if path is None:
        pytest.skip(f"development media ../shared/media not found; set {MEDIA_ENV} to its folder")
    return path

"""Face-parameter tracks of the development clips beyond GRID (VoxCeleb2 and in-the-wild talking heads):
more speakers, head poses and cameras for the face codec than the four GRID training clips.

Only the face is extracted (their transcripts are unknown, and the codec's face stream needs none), once per
clip into the features cache, keyed like the GRID features by the clip's size and the expression model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..media.manifest import read_manifest
from ..semantic.extract.expression_model import installed_model_tag

GRID_PREFIX = "grid_"  # the GRID clips come with their full features (a2f.cached_grid_features)


def other_talking_heads(media: Path) -> list[Path]:
    """The talking-head clips of MANIFEST.tsv that are not GRID clips, in file order."""
    entries = read_manifest(media)
    return sorted(
        media / e.file
        for e in entries
        if e.kind == "talking_head_av" and not Path(e.file).name.startswith(GRID_PREFIX)
    )


def cached_face_track(path: Path, cache: Path) -> npt.NDArray[np.float32]:
    """The clip's face parameters per 25 fps frame [T, 12], extracted once into ``cache``."""
    from ..media.clip import read_clip  # mediapipe and dlib: only on a cache miss
    from ..semantic.extract.face import extract_face

    identity = f"{path.stat().st_size}\tface\t{installed_model_tag()}"
    cached = cache / f"{path.stem}-face-{hashlib.sha256(identity.encode()).hexdigest()[:12]}.npz"
    try:
        with np.load(cached) as data:
            return data["face_params"].astype(np.float32)
    except (OSError, KeyError, ValueError):
        pass
    params = extract_face(read_clip(path)).face_params.astype(np.float32)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(cached, face_params=params)
    return params


def cached_face_tracks(media: Path, cache: Path) -> list[npt.NDArray[np.float32]]:
    return [cached_face_track(path, cache) for path in other_talking_heads(media)]

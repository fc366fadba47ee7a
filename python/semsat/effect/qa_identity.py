"""Identity distance and CSIM: same person closer than different people on all development clips; the
arithmetic against SciPy's distances."""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
import pytest
from gnuradio.semsat.effect.identity import clip_embeddings, identity_scores, subsample
from gnuradio.semsat.media.clip import read_video
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.testing_media import require_media
from scipy.spatial import distance

FRAMES = (0, 50)  # two frames 2 s apart in each clip


@cache
def embeddings() -> list[tuple[str, str, np.ndarray]]:
    """(clip, person, descriptor) for FRAMES of every development clip; person ids from MANIFEST.tsv."""
    media = require_media()
    people = {entry.file: entry.person for entry in read_manifest(media)}
    found = []
    for path in sorted((media / "clips").iterdir()):
        frames = read_video(path, max_frames=max(FRAMES) + 1)
        for descriptor in clip_embeddings(frames, FRAMES):
            found.append((path.name, people[f"clips/{path.name}"], descriptor))
    return found


def pair_distances() -> tuple[list[float], list[float]]:
    same, different = [], []
    for (_, a, x), (_, b, y) in combinations(embeddings(), 2):
        (same if a == b else different).append(float(np.linalg.norm(x - y)))
    return same, different


def test_every_development_clip_has_a_face_in_the_frames_used():
    assert len(embeddings()) == 20
    assert not any(np.isnan(e).any() for _, _, e in embeddings())


def test_same_person_is_closer_than_different_people():
    same, different = pair_distances()
    # 10 clips x 2 frames: 10 within-clip pairs + 4 pairs across the two clips of person V3.
    assert len(same) == 14
    assert max(same) < min(different), (max(same), min(different))


def test_the_two_clips_of_one_person_are_the_same_person():
    v3 = [e for name, person, e in embeddings() if person == "V3"]
    assert len({name for name, person, _ in embeddings() if person == "V3"}) == 2
    across = [np.linalg.norm(a - b) for a, b in combinations(v3, 2)]
    assert max(across) < 0.6  # dlib's same-person threshold


def test_scores_match_scipy():
    rng = np.random.default_rng(0)
    reference = rng.normal(0, 0.1, (4, 128))
    output = reference + rng.normal(0, 0.05, (4, 128))
    output[2] = np.nan  # no face in that output frame
    result = identity_scores(reference, output, [0, 5, 10, 15])
    kept = [0, 1, 3]
    assert result.distance == pytest.approx(
        np.mean([distance.euclidean(reference[k], output[k]) for k in kept])
    )
    assert result.csim == pytest.approx(np.mean([1 - distance.cosine(reference[k], output[k]) for k in kept]))
    assert result.n_missing == 1 and np.isnan(result.per_frame_distance[2])
    assert list(result.frame_indices) == [0, 5, 10, 15]


def test_subsample_and_missing_faces():
    assert list(subsample(12)) == [0, 5, 10]
    blank = np.full((6, 128, 128, 3), 200, np.uint8)
    assert np.isnan(clip_embeddings(blank, subsample(6))).all()
    with pytest.raises(ValueError, match="frame indices"):
        clip_embeddings(blank, [6])
    with pytest.raises(ValueError, match="step"):
        subsample(5, 0)
    with pytest.raises(ValueError, match=r"\[K, 128\]"):
        identity_scores(np.zeros((2, 128)), np.zeros((3, 128)), [0, 1])

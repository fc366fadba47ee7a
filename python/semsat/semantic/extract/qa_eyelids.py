"""The eyelid opening from mediapipe's mesh against an independent detector, dlib's 68 points: their eye
aspect ratio (the lids' mean gap over the eye's width, points 36-47) rises and falls with it over a real
GRID clip with a blink (bbaf2n), and both find the blink at the same frames."""

import numpy as np
from gnuradio.semsat.semantic.extract.eyelids import eyelid_opening
from gnuradio.semsat.semantic.generate import qa_render_cases as cases

BLINK_CLIP = "grid_bbaf2n.mpg"


def dlib_eye_aspect_ratio(landmarks68: np.ndarray) -> np.ndarray:
    ratios = []
    for first in (36, 42):  # each eye: corners first+0 and first+3, upper lids +1 +2, lower lids +5 +4
        p = landmarks68[:, first : first + 6].astype(np.float64)
        gap = (np.linalg.norm(p[:, 1] - p[:, 5], axis=1) + np.linalg.norm(p[:, 2] - p[:, 4], axis=1)) / 2
        ratios.append(gap / np.linalg.norm(p[:, 0] - p[:, 3], axis=1))
    return np.mean(ratios, axis=0)


def test_opening_follows_dlib_eye_aspect_ratio_through_a_blink():
    face = cases.case(BLINK_CLIP).face
    opening = eyelid_opening(face.mesh468)
    ear = dlib_eye_aspect_ratio(face.landmarks68)
    r = np.corrcoef(opening, ear)[0, 1]
    blink_mesh, blink_dlib = np.argsort(opening)[:3], np.argsort(ear)[:3]
    print(f"{BLINK_CLIP}: r = {r:.2f}, narrowest frames mesh {sorted(blink_mesh)} dlib {sorted(blink_dlib)}")
    assert r > 0.7
    assert np.min(np.abs(blink_mesh[:, None] - blink_dlib[None, :])) <= 2  # the same blink
    assert opening.min() < 0.8 * np.median(opening)


def test_opening_ignores_size_position_and_in_plane_rotation():
    mesh = cases.case(BLINK_CLIP).face.mesh468[0].astype(np.float64)
    angle = np.deg2rad(20)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = mesh.copy()
    moved[:, :2] = 1.7 * mesh[:, :2] @ rotation.T + (30, -12)
    assert np.isclose(eyelid_opening(moved), eyelid_opening(mesh), rtol=1e-5)

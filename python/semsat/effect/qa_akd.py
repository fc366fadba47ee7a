"""AKD against independent truth: zero on identical frames, the size of a known shift of the image,
growing with blur and shift, and FOMM's arithmetic on synthetic landmarks."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pytest
from gnuradio.semsat.effect.akd import ALL_POINTS, MOUTH_POINTS, akd, frame_landmarks
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.media.face_crop import crop_frames
from gnuradio.semsat.testing_media import require_media
from gnuradio.semsat.vision.dlib_face import detect_face

GRID_CLIP = "clips/grid_lbax4n.mpg"
N_FRAMES = 20
NOISE_FLOOR_PX = 0.5  # dlib on consecutive GRID frames: ~0.4-0.5 px (dependencies.md)


@cache
def grid_crops() -> np.ndarray:
    """A 256x256 face crop of a GRID clip: one fixed square box, the face ~60% of its width."""
    clip = read_clip(require_media() / GRID_CLIP, max_frames=N_FRAMES)
    left, top, right, bottom = detect_face(clip.frames[0])
    side = round((right - left) / 0.6)
    x0, y0 = round((left + right - side) / 2), round((top + bottom - side) / 2)
    return crop_frames(clip.frames, np.tile([x0, y0, x0 + side, y0 + side], (N_FRAMES, 1)))


def blurred(sigma: float) -> np.ndarray:
    frames = grid_crops()
    return frames if sigma == 0 else np.stack([cv2.GaussianBlur(f, (0, 0), sigma) for f in frames])


def shifted(dx: int, dy: int) -> np.ndarray:
    """The picture moved by (dx, dy) pixels, edges repeated: every landmark moves by exactly (dx, dy)."""
    move = np.float32([[1, 0, dx], [0, 1, dy]])
    return np.stack(
        [
            cv2.warpAffine(f, move, (f.shape[1], f.shape[0]), borderMode=cv2.BORDER_REPLICATE)
            for f in grid_crops()
        ]
    )


@cache
def landmarks(kind: str, amount: float) -> np.ndarray:
    if kind == "blur":
        return frame_landmarks(blurred(amount))
    if kind == "diagonal":
        return frame_landmarks(shifted(int(amount), int(amount)))
    return frame_landmarks(shifted(int(amount), 0))


def test_identical_frames_read_exactly_zero():
    reference = landmarks("blur", 0)
    again = frame_landmarks(grid_crops())  # detected anew, not copied
    assert not np.isnan(reference).any()
    for points in (ALL_POINTS, MOUTH_POINTS):
        result = akd(reference, again, points)
        assert result.mean == 0.0
        assert result.n_missing == 0 and result.n_frames == N_FRAMES


def test_akd_grows_with_blur():
    values = [akd(landmarks("blur", 0), landmarks("blur", sigma)).mean for sigma in (0, 1, 2, 4)]
    assert values[0] == 0.0
    assert all(a < b for a, b in zip(values, values[1:], strict=False)), values


def test_akd_grows_with_shift():
    values = [akd(landmarks("blur", 0), landmarks("diagonal", d)).mean for d in (0, 2, 4, 8)]
    assert values[0] == 0.0
    assert all(a < b for a, b in zip(values, values[1:], strict=False)), values


@pytest.mark.parametrize("d", [2, 4, 8])
def test_diagonal_shift_reads_its_size(d):
    # Mean absolute coordinate error: |dx| and |dy| are both d, so AKD = d (a per-point Euclidean mean
    # would read d * sqrt(2)).
    assert akd(landmarks("blur", 0), landmarks("diagonal", d)).mean == pytest.approx(d, abs=NOISE_FLOOR_PX)


def test_horizontal_shift_reads_half_its_size():
    # FOMM's definition averages x and y errors alike: a shift of 8 px in x only reads 4.
    assert akd(landmarks("blur", 0), landmarks("horizontal", 8)).mean == pytest.approx(4, abs=NOISE_FLOOR_PX)


def test_mouth_akd_sees_only_the_mouth():
    rng = np.random.default_rng(1)
    reference = rng.uniform(0, 256, (5, 68, 2))
    output = reference.copy()
    output[:, 48:68, 0] += 3.0  # the mouth moves 3 px to the right, nothing else moves
    assert akd(reference, output, MOUTH_POINTS).mean == pytest.approx(1.5)  # (3 + 0) / 2
    assert akd(reference, output).mean == pytest.approx(1.5 * 20 / 68)
    assert akd(reference, output, [0, 1, 2]).mean == 0.0


def test_matches_fomm_arithmetic_and_skips_missing_frames():
    rng = np.random.default_rng(2)
    reference = rng.uniform(0, 256, (6, 68, 2))
    output = reference + rng.normal(0, 2, reference.shape)
    output[1] = np.nan  # no face in the output
    reference[4] = np.nan  # no face in the reference
    result = akd(reference, output)
    kept = [0, 2, 3, 5]
    # pose-evaluation's cmp_kp.py: np.mean(np.abs(gt - generated)) per frame, then the mean of the frames
    expected = np.mean([np.mean(np.abs(reference[t] - output[t])) for t in kept])
    assert result.mean == pytest.approx(expected, rel=1e-12)
    assert result.n_missing == 2
    assert np.isnan(result.per_frame[[1, 4]]).all()


def test_no_face_anywhere():
    blank = np.full((3, 256, 256, 3), 128, np.uint8)
    points = frame_landmarks(blank)
    assert points.shape == (3, 68, 2) and np.isnan(points).all()
    result = akd(points, points)
    assert np.isnan(result.mean) and result.n_missing == 3


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match=r"\[T, 68, 2\]"):
        akd(np.zeros((4, 5, 2)), np.zeros((4, 5, 2)))
    with pytest.raises(ValueError, match="differ in shape"):
        akd(np.zeros((4, 68, 2)), np.zeros((3, 68, 2)))
    with pytest.raises(ValueError, match="uint8"):
        frame_landmarks(np.zeros((1, 64, 64, 3), np.float32))
    with pytest.raises(ValueError, match=r"\[T, H, W, 3\]"):
        frame_landmarks(np.zeros((64, 64, 3), np.uint8))

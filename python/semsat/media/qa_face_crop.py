"""Face crop boxes and crops on synthetic face tracks and images, where the right answer is known."""

import numpy as np
import pytest
from gnuradio.semsat.media.clip import Clip
from gnuradio.semsat.media.face_crop import FACE_WIDTH_FRACTION, crop_boxes, crop_clip, crop_frames, face_box

FPS = 25.0


def boxes_around(centres: np.ndarray, width: float) -> np.ndarray:
    return np.concatenate([centres - width / 2, centres + width / 2], axis=1)


def test_face_box_is_centred_and_does_not_change_under_in_plane_rotation():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(468, 2)) * [30, 40] + [200, 150]
    angle = np.radians(25)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centroid = points.mean(axis=0)
    rotated = (points - centroid) @ rotation.T + centroid
    box, box_rotated = face_box(points), face_box(rotated)
    np.testing.assert_allclose((box[:2] + box[2:]) / 2, centroid, atol=1e-3)
    np.testing.assert_allclose(box, box_rotated, atol=1e-2)
    assert box[2] - box[0] == pytest.approx(box[3] - box[1])


def test_a_still_head_with_detection_noise_gets_one_box_for_the_clip():
    rng = np.random.default_rng(1)
    centres = np.array([180.0, 140.0]) + rng.normal(scale=1.0, size=(75, 2))
    faces = boxes_around(centres, 110.0)
    boxes = crop_boxes(faces, (288, 360), FPS)
    assert len(np.unique(boxes, axis=0)) == 1
    x0, y0, x1, y1 = boxes[0]
    assert x1 - x0 == y1 - y0 == pytest.approx(110 / FACE_WIDTH_FRACTION, abs=1)
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx((180, 140), abs=1)


def test_a_moving_head_is_followed_smoothly_and_outliers_are_ignored():
    rng = np.random.default_rng(2)
    t = np.arange(200) / FPS
    true_centres = np.stack([400 + 60 * np.sin(t), 300 + 20 * np.cos(0.7 * t)], axis=1)
    noisy = true_centres + rng.normal(scale=2.0, size=true_centres.shape)
    noisy[50] += 80  # one wild detection
    boxes = crop_boxes(boxes_around(noisy, 150.0), (720, 1280), FPS)
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2
    assert np.abs(centres - true_centres).max() < 4
    # Jitter: the smoothed track's frame-to-frame acceleration is far below the raw detections'.
    assert np.abs(np.diff(centres, 2, axis=0)).std() < 0.25 * np.abs(np.diff(noisy, 2, axis=0)).std()


def test_a_moving_head_that_leans_in_keeps_one_box_size():
    """The box follows the face's position but not its size: a zoom belongs to the face's scale parameter."""
    t = np.arange(100) / FPS
    centres = np.stack([400 + 80 * t, np.full_like(t, 300)], axis=1)  # moving right: a following box
    widths = 150.0 * (1 + 0.1 * t / t[-1])  # and 10% larger by the end
    boxes = crop_boxes(
        np.concatenate([centres - widths[:, None] / 2, centres + widths[:, None] / 2], 1), (720, 1280), FPS
    )
    sides = boxes[:, 2] - boxes[:, 0]
    assert np.ptp(sides) <= 1  # integer rounding only
    assert sides[0] == pytest.approx(np.median(widths) / FACE_WIDTH_FRACTION, abs=1)
    assert np.abs((boxes[:, 0] + boxes[:, 2]) / 2 - centres[:, 0]).max() < 4


def test_frames_without_a_face_take_their_neighbours_box_and_no_face_at_all_is_refused():
    faces = boxes_around(np.tile([[200.0, 150.0]], (10, 1)), 100.0)
    faces[[0, 4, 9]] = np.nan
    boxes = crop_boxes(faces, (300, 400), FPS)
    assert np.isfinite(boxes).all() and len(np.unique(boxes, axis=0)) == 1
    with pytest.raises(ValueError, match="no face box"):
        crop_boxes(np.full((5, 4), np.nan), (300, 400), FPS)


def test_boxes_stay_inside_the_image_when_they_fit_and_cover_it_when_they_do_not():
    near_corner = crop_boxes(boxes_around(np.array([[20.0, 280.0]]), 60.0), (300, 400), FPS)[0]
    assert near_corner[0] == 0 and near_corner[3] == 300
    too_big = crop_boxes(boxes_around(np.array([[100.0, 100.0]]), 180.0), (200, 200), FPS)[0]
    assert too_big[0] <= 0 and too_big[1] <= 0 and too_big[2] >= 200 and too_big[3] >= 200


def test_a_source_point_lands_where_the_documented_mapping_says():
    frames = np.zeros((2, 300, 400, 3), dtype=np.uint8)
    frames[:, 150:154, 250:254] = 255  # a bright 4x4 square centred on (252, 152) in pixel-edge coordinates
    boxes = np.array([[200, 100, 328, 228], [-50, -60, 450, 440]], dtype=np.float32)  # enlarge 2x; shrink
    crops = crop_frames(frames, boxes, size=256)
    for crop, (x0, y0, x1, _) in zip(crops, boxes, strict=True):
        scale = 256 / (x1 - x0)
        ys, xs = np.nonzero(crop[..., 0] > 60)
        weights = crop[ys, xs, 0].astype(float)
        centroid = np.array([np.average(xs, weights=weights), np.average(ys, weights=weights)]) + 0.5
        np.testing.assert_allclose(centroid, [(252 - x0) * scale, (152 - y0) * scale], atol=0.6)


def test_padding_repeats_the_edge_and_bad_boxes_are_refused():
    frames = np.full((1, 100, 100, 3), 77, dtype=np.uint8)
    crop = crop_frames(frames, np.array([[-20, -20, 120, 120]]), size=64)
    assert (crop == 77).all()
    with pytest.raises(ValueError, match="squares"):
        crop_frames(frames, np.array([[0, 0, 50, 60]]))
    with pytest.raises(ValueError, match="outside"):
        crop_frames(frames, np.array([[200, 200, 250, 250]]))


def test_crop_clip_keeps_the_audio():
    clip = Clip(np.zeros((3, 120, 160, 3), np.uint8), 25.0, np.ones(1920, np.float32), 16000, "synthetic")
    cropped = crop_clip(clip, np.tile([10, 10, 110, 110], (3, 1)))
    assert (
        cropped.frames.shape == (3, 256, 256, 3)
        and cropped.audio is clip.audio
        and clip.frames.shape[1] == 120
    )

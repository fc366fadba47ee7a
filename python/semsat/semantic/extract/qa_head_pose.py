"""Head pose on synthetic meshes: the installed canonical face posed, moved, rotated and mirrored."""

from functools import cache

import cv2
import numpy as np
import pytest
from gnuradio.semsat.semantic.extract.expression_model import ExpressionModel
from gnuradio.semsat.semantic.extract.head_pose import (
    HeadPose,
    camera_to_crop,
    crop_to_camera,
    fit_head_pose,
    rotation_angles,
    rotation_matrix,
)

CROP = 256
NOSE_TIP, RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 1, 33, 263
LOWER_LIP = [14, 17, 84, 87, 178, 181, 314, 317, 402, 405, 152, 148, 176, 377, 400]


@cache
def canonical():
    return ExpressionModel.load().canonical


def posed_in_crop(pitch=0.0, yaw=0.0, roll=0.0, scale=1.0, offset=(0.0, 0.0, 0.0)):
    """The canonical face in a given pose as a mesh in crop pixels, like mediapipe would report it."""
    camera = scale * canonical().shape @ rotation_matrix(pitch, yaw, roll).T + np.asarray(offset)
    return camera_to_crop(camera, CROP)


def pose_of(mesh_px):
    return fit_head_pose(crop_to_camera(mesh_px, CROP), canonical().shape, canonical().weights)


def test_angles_and_matrices_are_inverse():
    rng = np.random.default_rng(0)
    for angles in rng.uniform(-1.3, 1.3, size=(50, 3)):
        matrix = rotation_matrix(*angles)
        np.testing.assert_allclose(matrix @ matrix.T, np.eye(3), atol=1e-12)
        np.testing.assert_allclose(rotation_angles(matrix), angles, atol=1e-9)


def test_a_known_pose_is_recovered():
    rng = np.random.default_rng(1)
    for _ in range(20):
        angles = rng.uniform(-0.6, 0.6, size=3)
        scale, offset = rng.uniform(0.7, 1.4), rng.uniform(-0.2, 0.2, size=3)
        pose = pose_of(posed_in_crop(*angles, scale=scale, offset=offset))
        np.testing.assert_allclose(pose.angles, angles, atol=1e-9)
        np.testing.assert_allclose(pose.translation, [offset[0], -offset[1], np.log(scale)], atol=1e-9)


def test_parameters_give_back_the_pose_that_places_the_points_in_the_image():
    mesh = posed_in_crop(0.2, -0.3, 0.1, scale=1.1, offset=(0.04, -0.02, 0.3))
    pose = pose_of(mesh)
    again = HeadPose.from_parameters(pose.angles, pose.translation)
    rebuilt = camera_to_crop(again.from_canonical(canonical().shape), CROP)
    np.testing.assert_allclose(rebuilt[:, :2], mesh[:, :2], atol=1e-9)


def test_image_rotation_counter_clockwise_reads_positive_roll():
    frontal = posed_in_crop()
    # OpenCV's positive angle turns the image counter-clockwise as displayed.
    turn = cv2.getRotationMatrix2D((CROP / 2, CROP / 2), 10.0, 1.0)
    rotated = frontal.copy()
    rotated[:, :2] = frontal[:, :2] @ turn[:, :2].T + turn[:, 2]
    assert np.degrees(pose_of(rotated).angles) == pytest.approx([0, 0, 10], abs=1e-6)


def test_yaw_and_pitch_signs_in_image_terms():
    turned_right = posed_in_crop(yaw=0.3)
    eyes_middle = (turned_right[RIGHT_EYE_OUTER, 0] + turned_right[LEFT_EYE_OUTER, 0]) / 2
    assert turned_right[NOSE_TIP, 0] > eyes_middle + 5  # the nose points to the image's right
    looking_down = posed_in_crop(pitch=0.3)
    assert looking_down[NOSE_TIP, 1] > posed_in_crop()[NOSE_TIP, 1] + 5  # the nose tip drops in the image
    assert pose_of(turned_right).angles == pytest.approx([0, 0.3, 0], abs=1e-9)
    assert pose_of(looking_down).angles == pytest.approx([0.3, 0, 0], abs=1e-9)


def test_translation_is_in_crop_widths_with_y_down_and_log_scale():
    mesh = posed_in_crop()
    moved = mesh + [0.1 * CROP, 0.05 * CROP, 0]
    assert pose_of(moved).translation - pose_of(mesh).translation == pytest.approx([0.1, 0.05, 0], abs=1e-9)
    bigger = (mesh - CROP / 2) * 1.2 + CROP / 2
    assert pose_of(bigger).translation[2] - pose_of(mesh).translation[2] == pytest.approx(np.log(1.2))


def test_a_mirrored_image_reads_the_same_pitch_and_opposite_yaw_and_roll():
    mirror_index = canonical().mirror_index
    rng = np.random.default_rng(2)
    for angles in rng.uniform(-0.5, 0.5, size=(10, 3)):
        mesh = posed_in_crop(*angles, offset=(0.05, -0.03, 0))
        # In the flipped image, landmark i sits where the original's mirror partner was, x reflected.
        flipped = mesh[mirror_index] * [-1, 1, 1] + [CROP, 0, 0]
        np.testing.assert_allclose(pose_of(flipped).angles, angles * [1, -1, -1], atol=1e-9)


def test_opening_the_mouth_barely_moves_the_pose():
    mesh = posed_in_crop(0.1, -0.2, 0.05)
    open_mouth = mesh.copy()
    open_mouth[LOWER_LIP, 1] += 12  # lower lip and chin 12 px down: a wide-open mouth
    change = np.degrees(pose_of(open_mouth).angles - pose_of(mesh).angles)
    assert np.abs(change).max() < 1.0
    unweighted = fit_head_pose(crop_to_camera(open_mouth, CROP), canonical().shape).angles
    assert np.abs(change).max() < np.abs(np.degrees(unweighted - pose_of(mesh).angles)).max()


def test_bad_points_are_refused_clearly():
    mesh = posed_in_crop()
    mesh[5, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        pose_of(mesh)
    with pytest.raises(ValueError, match="468"):
        fit_head_pose(np.zeros((68, 3)), canonical().shape)

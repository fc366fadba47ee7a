"""Face keyframes (keyframes.py): which frames are sent, interpolation between them, and the audio-driven
prediction pinned to them, checked against hand-computed values."""

import numpy as np
import pytest
from gnuradio.semsat.semantic.keyframes import (
    anchor_to_keyframes,
    interpolate_keyframes,
    keyframe_frames,
    select_keyframes,
)


def test_every_step_th_frame_and_the_last():
    np.testing.assert_array_equal(keyframe_frames(75, 10), [0, 10, 20, 30, 40, 50, 60, 70, 74])
    np.testing.assert_array_equal(keyframe_frames(21, 10), [0, 10, 20])
    np.testing.assert_array_equal(keyframe_frames(1, 10), [0])
    assert keyframe_frames(75, 0).size == 0  # pure A2V
    with pytest.raises(ValueError):
        keyframe_frames(75, -1)


def test_interpolation_is_exact_at_keyframes_and_linear_between():
    params = np.zeros((21, 12), np.float32)
    params[:, 7] = np.arange(21) ** 2  # a curve: only its keyframes survive
    keyframes = select_keyframes(params, 10)
    track = interpolate_keyframes(keyframes, 21)
    np.testing.assert_allclose(track[[0, 10, 20], 7], [0, 100, 400])
    np.testing.assert_allclose(track[5, 7], 50)
    np.testing.assert_allclose(track[15, 7], 250)


def test_the_prediction_keeps_its_motion_between_keyframes_at_the_keyframes_level():
    t = np.arange(21)
    truth = np.zeros((21, 12), np.float32)
    truth[:, 0] = 0.3 + 0.01 * t  # slow drift of the mouth coefficient the audio cannot know
    truth[:, 6] = 0.002 * t  # head pitch drift
    predicted = np.zeros((21, 12), np.float32)
    predicted[:, 0] = 0.1 * np.sin(np.pi * t / 5)  # syllables: zero at the keyframes 0, 10, 20
    predicted[:, 6] = 0.5  # the reference's pose, held
    out = anchor_to_keyframes(predicted, select_keyframes(truth, 10))
    np.testing.assert_allclose(out[:, 0], truth[:, 0] + predicted[:, 0], atol=1e-6)
    np.testing.assert_allclose(out[:, 6], truth[:, 6], atol=1e-6)  # pose from the keyframes only


def test_no_keyframes_leave_the_prediction_as_it_is():
    predicted = np.random.default_rng(1).normal(size=(9, 12)).astype(np.float32)
    np.testing.assert_array_equal(anchor_to_keyframes(predicted, np.zeros((0, 13), np.float32)), predicted)


def test_bad_keyframes_are_refused():
    keyframes = select_keyframes(np.zeros((30, 12), np.float32), 10)
    with pytest.raises(ValueError, match="strictly increasing"):
        anchor_to_keyframes(np.zeros((30, 12)), keyframes[::-1])
    with pytest.raises(ValueError, match="whole numbers"):
        anchor_to_keyframes(np.zeros((20, 12)), keyframes)  # frame 29 is beyond a 20-frame clip
    with pytest.raises(ValueError):
        select_keyframes(np.zeros((30, 11)), 10)

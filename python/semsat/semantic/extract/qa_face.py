"""Face semantics on the development clips, checked against truths independent of the extractor: image flips
and rotations, the clip's own speech energy, dlib's own face detector, faces blanked out or absent."""

from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import pytest
from gnuradio.semsat.media.clip import Clip, read_clip
from gnuradio.semsat.media.face_crop import crop_clip
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.semantic.extract.face import FaceSemantics, NoFaceError, dlib_box, extract_face
from gnuradio.semsat.testing_media import GRID_CLIPS, WILD_CLIPS, require_media
from gnuradio.semsat.vision import dlib_face

GRID, OTHERS = GRID_CLIPS, WILD_CLIPS
# GRID clips whole (3 s); the first 3 s of the longer clips keep the module's run time down.
OTHERS_MAX_FRAMES = 75
PITCH, YAW, ROLL = 6, 7, 8


@cache
def clip(name: str) -> Clip:
    return read_clip(require_media() / "clips" / name, max_frames=None if name in GRID else OTHERS_MAX_FRAMES)


@cache
def semantics(name: str) -> FaceSemantics:
    return extract_face(clip(name))


def degrees(face: FaceSemantics, angle: int) -> np.ndarray:
    return np.degrees(face.face_params[:, angle])


def speech_energy_db(clip: Clip) -> np.ndarray:
    """RMS of the audio in each video frame's 40 ms, in dB."""
    hop = int(round(clip.sample_rate / clip.fps))
    frames = clip.audio[: hop * clip.n_frames].astype(np.float64).reshape(clip.n_frames, hop)
    return 10 * np.log10((frames**2).mean(axis=1) + 1e-10)


@pytest.mark.parametrize("name", GRID + OTHERS)
def test_a_face_is_found_on_nearly_every_frame(name):
    face = semantics(name)
    n = clip(name).n_frames
    assert face.face_found.mean() >= 0.95
    assert face.face_params.shape == (n, 12) and face.landmarks68.shape == (n, 68, 2)
    assert (
        face.mesh468.shape == (n, 468, 3)
        and face.crop_boxes.shape == (n, 4)
        and face.identity.shape == (128,)
    )
    assert all(
        np.isfinite(a).all() for a in (face.face_params, face.landmarks68, face.mesh468, face.identity)
    )
    assert (face.confidence[face.face_found] >= 0.5).all() and (face.confidence <= 1).all()


@pytest.mark.parametrize("name", GRID + OTHERS)
def test_the_crop_box_is_steady_and_the_face_centred_in_it(name):
    face = semantics(name)
    boxes = face.crop_boxes
    sides = boxes[:, 2] - boxes[:, 0]
    centres = (boxes[:, :2] + boxes[:, 2:]) / 2
    steps = np.linalg.norm(np.diff(centres, axis=0), axis=1) / sides[1:]
    assert steps.mean() < 0.01 and np.all(steps < 0.05)
    if name in GRID:
        assert len(np.unique(boxes, axis=0)) == 1  # a still speaker gets one box: no jitter at all
    offset = face.mesh468[:, :, :2].mean(axis=1) - 128
    assert np.abs(offset).mean(axis=0).max() < 20  # pixels of the 256 crop; a box may be shifted at a border


@pytest.mark.parametrize("name", GRID)
def test_the_mouth_opening_coefficient_follows_speech_energy(name):
    r = np.corrcoef(semantics(name).face_params[:, 0], speech_energy_db(clip(name)))[0, 1]
    assert r >= 0.3


@pytest.mark.parametrize("name", ["grid_bbaf2n.mpg", "retalking_face1.mp4"])
def test_a_mirrored_clip_reads_opposite_yaw_and_roll(name):
    original = semantics(name)
    source = clip(name)
    mirrored = extract_face(replace(source, frames=np.ascontiguousarray(np.flip(source.frames, axis=2)[:50])))
    for angle in (YAW, ROLL):
        sums = degrees(original, angle)[:50] + degrees(mirrored, angle)
        assert abs(sums.mean()) < 3 and np.abs(sums).mean() < 3
    assert abs((degrees(original, PITCH)[:50] - degrees(mirrored, PITCH)).mean()) < 3


def test_a_clip_rotated_10_degrees_counter_clockwise_reads_roll_plus_10():
    name = "grid_lbax4n.mpg"
    source, original = clip(name), semantics(name)
    x0, y0, x1, y1 = original.crop_boxes[0]
    # OpenCV's positive angle turns the image counter-clockwise as displayed.
    turn = cv2.getRotationMatrix2D((float(x0 + x1) / 2, float(y0 + y1) / 2), 10.0, 1.0)
    height, width = source.frames.shape[1:3]
    rotated_frames = np.stack([cv2.warpAffine(frame, turn, (width, height)) for frame in source.frames])
    rotated = extract_face(replace(source, frames=rotated_frames))
    difference = degrees(rotated, ROLL) - degrees(original, ROLL)
    assert abs(difference.mean() - 10) < 2
    assert np.mean(np.abs(difference - 10) < 2) >= 0.95
    assert abs((degrees(rotated, YAW) - degrees(original, YAW)).mean()) < 2


def test_dlib_points_from_the_mesh_box_agree_with_dlibs_own_detector():
    face = semantics("grid_lrwp9a.mpg")
    crops = crop_clip(clip("grid_lrwp9a.mpg"), face.crop_boxes).frames
    distances = []
    for i in range(0, len(crops), 15):
        detected = dlib_face.landmarks68(crops[i])  # dlib's HOG detector, then its predictor
        assert detected is not None
        distances.append(np.linalg.norm(detected - face.landmarks68[i], axis=1).mean())
    assert np.mean(distances) < 1.5
    assert dlib_box(face.mesh468[0])[2] - dlib_box(face.mesh468[0])[0] > 100


def test_identity_separates_speakers():
    same = dlib_face.identity_distance(semantics("grid_lbax4n.mpg").identity, blanked()[1].identity)
    different = dlib_face.identity_distance(
        semantics("grid_lbax4n.mpg").identity, semantics("grid_lbbc2a.mpg").identity
    )
    assert same < 0.3 < 0.6 < different


BLANKED = [0, 30, 31, 32]


@cache
def blanked() -> tuple[Clip, FaceSemantics]:
    source = clip("grid_lbax4n.mpg")
    frames = source.frames.copy()
    frames[BLANKED] = 128
    damaged = replace(source, frames=frames)
    return damaged, extract_face(damaged)


def test_blanked_frames_are_flagged_and_filled_from_their_neighbours():
    _, face = blanked()
    assert set(np.flatnonzero(~face.face_found)) == set(BLANKED)
    assert (face.confidence[BLANKED] == 0).all()
    assert all(np.isfinite(a).all() for a in (face.face_params, face.landmarks68, face.mesh468))
    np.testing.assert_allclose(face.face_params[0], face.face_params[1])  # nearest at the clip's start
    np.testing.assert_allclose(
        face.face_params[31], (face.face_params[29] + face.face_params[33]) / 2, atol=1e-6
    )
    np.testing.assert_allclose(
        face.landmarks68[30], 0.75 * face.landmarks68[29] + 0.25 * face.landmarks68[33]
    )


def test_a_one_frame_clip_works():
    source = clip("grid_brbk7n.mpg")
    face = extract_face(replace(source, frames=source.frames[:1], audio=source.audio[:640]))
    assert face.face_params.shape == (1, 12) and face.face_found.all() and np.isfinite(face.face_params).all()
    # The crop box of one frame is that frame's own, not the clip's median: close, not identical.
    same_frame_in_clip = semantics("grid_brbk7n.mpg").face_params[0]
    assert np.degrees(np.abs(face.face_params[0, 6:9] - same_frame_in_clip[6:9])).max() < 2


def test_a_video_without_a_face_raises_a_clear_error(tmp_path):
    path = tmp_path / "grey.mp4"
    write_clip(path, np.full((10, 96, 128, 3), 128, dtype=np.uint8), 25.0)
    with pytest.raises(NoFaceError, match="no face") as error:
        extract_face(read_clip(path))
    assert str(path) in str(error.value)
    assert isinstance(error.value, ValueError)


def test_progress_counts_every_frame_once():
    source = clip("grid_bbaf2n.mpg")
    short = replace(source, frames=source.frames[:7])
    reported = []
    extract_face(short, progress=reported.append)
    assert sum(reported) == 7

"""The expression model: file round trip, reconstruction, component order, and the installed model's canonical
face (symmetry against mediapipe's known left/right landmark pairs, rigid-point weights)."""

from functools import cache

import mediapipe.python.solutions.face_mesh_connections as mesh_regions
import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.semantic.extract.canonical_face import CanonicalFace, mirror_points
from gnuradio.semsat.semantic.extract.expression_model import (
    ExpressionModel,
    ExpressionModelError,
    default_model_path,
    lip_gap,
)
from gnuradio.semsat.semantic.extract.face_track import track_face
from gnuradio.semsat.semantic.extract.head_pose import crop_to_camera, fit_head_pose
from gnuradio.semsat.testing_media import require_media

MIDLINE = [1, 4, 6, 10, 13, 14, 152, 168]
NOSE_BRIDGE_AND_EYE_CORNERS = [6, 168, 197, 33, 133, 263, 362]
LIPS_AND_CHIN = [13, 14, 17, 0, 61, 291, 152, 148, 377]


@cache
def installed() -> ExpressionModel:
    return ExpressionModel.load()


@cache
def grid_aligned() -> tuple[np.ndarray, np.ndarray]:
    """Pose-normalized meshes of a training clip and the scale (crop pixels per canonical unit) per frame."""
    clip = read_clip(require_media() / "clips" / "grid_bbaf2n.mpg")
    track = track_face(clip)
    model = installed()
    aligned, scales = [], []
    for mesh in track.mesh[track.found]:
        camera = crop_to_camera(mesh, track.crops.shape[1])
        pose = fit_head_pose(camera, model.mean_shape, model.canonical.weights)
        aligned.append(pose.to_canonical(camera))
        scales.append(pose.scale * track.crops.shape[1])
    return np.stack(aligned), np.array(scales)


def test_the_installed_model_is_small_and_complete():
    assert default_model_path().stat().st_size < 200_000
    model = installed()
    assert model.n_coefficients == 6 and model.mean_shape.shape == (468, 3)
    np.testing.assert_allclose(model.components @ model.components.T, np.eye(6), atol=1e-5)
    assert np.all(np.diff(model.explained_variance_ratio[1:]) <= 0)


def points_of(connections) -> set[int]:
    return {i for edge in connections for i in edge}


def test_the_canonical_face_is_symmetric_and_its_mirror_pairs_match_mediapipes_regions():
    canonical = installed().canonical
    index = canonical.mirror_index
    np.testing.assert_array_equal(index[index], np.arange(468))
    # mediapipe's own region lists (independent of the learned correspondence): right eye ↔ left eye, …
    for right, left in (
        (mesh_regions.FACEMESH_RIGHT_EYE, mesh_regions.FACEMESH_LEFT_EYE),
        (mesh_regions.FACEMESH_RIGHT_EYEBROW, mesh_regions.FACEMESH_LEFT_EYEBROW),
        (mesh_regions.FACEMESH_LIPS, mesh_regions.FACEMESH_LIPS),
        (mesh_regions.FACEMESH_FACE_OVAL, mesh_regions.FACEMESH_FACE_OVAL),
    ):
        assert {int(index[i]) for i in points_of(right)} == points_of(left)
    edges = {frozenset(edge) for edge in mesh_regions.FACEMESH_TESSELATION}
    mirrored_edges = [frozenset((int(index[a]), int(index[b]))) in edges for a, b in edges]
    assert np.mean(mirrored_edges) > 0.99  # the triangulation maps onto itself
    assert all(index[i] == i for i in MIDLINE)
    np.testing.assert_allclose(mirror_points(canonical.shape, index), canonical.shape, atol=1e-6)


def test_rigid_points_weigh_more_than_lips_and_chin():
    weights = installed().canonical.weights
    assert weights[NOSE_BRIDGE_AND_EYE_CORNERS].mean() > 2 * weights[LIPS_AND_CHIN].mean()


def test_save_and_load_round_trip(tmp_path):
    model = installed()
    path = tmp_path / "model.npz"
    model.save(path)
    again = ExpressionModel.load(path)
    for name in ("components", "explained_variance", "explained_variance_ratio"):
        np.testing.assert_allclose(getattr(again, name), getattr(model, name), rtol=1e-6)
    np.testing.assert_allclose(again.mean_shape, model.mean_shape, rtol=1e-6)
    np.testing.assert_array_equal(again.canonical.mirror_index, model.canonical.mirror_index)
    np.testing.assert_allclose(again.canonical.weights, model.canonical.weights, rtol=1e-6)


def test_coefficients_and_reconstruct_are_inverse_on_the_model_span():
    model = installed()
    coefficients = np.random.default_rng(0).normal(size=(10, 6)) * np.sqrt(model.explained_variance)
    shapes = model.reconstruct(coefficients)
    assert shapes.shape == (10, 468, 3)
    np.testing.assert_allclose(model.coefficients(shapes), coefficients, atol=1e-9)
    np.testing.assert_allclose(model.coefficients(model.mean_shape), np.zeros(6), atol=1e-12)


def test_in_sample_frames_are_reconstructed_to_a_fraction_of_a_pixel():
    model = installed()
    aligned, scales = grid_aligned()
    # The basis spans expression only: keep the speaker's own mean shape, as against a reference frame.
    reference = aligned.mean(axis=0)
    rebuilt = (
        reference
        + model.reconstruct(model.coefficients(aligned) - model.coefficients(reference))
        - (model.mean_shape)
    )
    error_px = np.linalg.norm((rebuilt - aligned)[..., :2], axis=2).mean(axis=1) * scales
    still_px = np.linalg.norm((reference - aligned)[..., :2], axis=2).mean(axis=1) * scales
    assert error_px.mean() < 0.5 and error_px.mean() < 0.6 * still_px.mean()


def test_coefficient_zero_is_the_mouth_opening():
    aligned, _ = grid_aligned()
    coefficients = installed().coefficients(aligned)
    assert np.corrcoef(coefficients[:, 0], lip_gap(aligned))[0, 1] > 0.7
    opened = installed().mean_shape.copy()
    opened[[14, 17, 84, 314, 87, 317], 1] -= 0.02  # lower lip down
    assert installed().coefficients(opened)[0] > 0


def test_fit_puts_the_mouth_first_even_when_another_motion_is_larger():
    rng = np.random.default_rng(3)
    mean = installed().mean_shape
    brows = np.zeros_like(mean)
    brows[[70, 105, 107, 300, 334, 336], 1] = 1.0  # brows up
    mouth = np.zeros_like(mean)
    mouth[[14, 17, 84, 314], 1] = -1.0  # lower lip down: mouth open
    clips = []
    for _ in range(3):
        frames = (
            rng.normal(size=(60, 1, 1)) * 0.03 * brows + np.abs(rng.normal(size=(60, 1, 1))) * 0.01 * mouth
        )
        clips.append(mean + frames + rng.normal(scale=1e-5, size=(60, *mean.shape)))
    model = ExpressionModel.fit(clips, installed().canonical, n_components=2)
    np.testing.assert_allclose(
        np.abs(model.components[0] @ mouth.ravel()) / np.linalg.norm(mouth), 1, atol=1e-3
    )
    assert model.components[0] @ mouth.ravel() > 0
    assert model.explained_variance[1] > model.explained_variance[0]


def test_unusable_model_files_get_clear_errors(tmp_path):
    with pytest.raises(ExpressionModelError, match="semsat-train expression"):
        ExpressionModel.load(tmp_path / "absent.npz")
    np.savez(tmp_path / "foreign.npz", weights=np.zeros(3))
    with pytest.raises(ExpressionModelError, match="not an expression model"):
        ExpressionModel.load(tmp_path / "foreign.npz")
    (tmp_path / "garbage.npz").write_bytes(b"not a zip file")
    with pytest.raises(ExpressionModelError, match="not a readable"):
        ExpressionModel.load(tmp_path / "garbage.npz")
    with pytest.raises(ValueError, match="468"):
        installed().coefficients(np.zeros((68, 3)))


def test_a_canonical_face_of_other_sizes_is_refused_on_fit():
    small = CanonicalFace(np.zeros((468, 3)), np.arange(468), np.ones(468))
    with pytest.raises(ValueError, match="two or more"):
        ExpressionModel.fit([np.zeros((1, 468, 3))], small)

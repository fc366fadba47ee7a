"""The transmitter's texture-offset fit: it recovers a known displacement of the texture from renders alone,
brings dlib's landmarks of a render of the true meshes closer to the originals', keeps nothing when there is
nothing to gain, and refuses inputs that do not fit together."""

import numpy as np
import pytest
from gnuradio.semsat.effect.akd import akd, frame_landmarks
from gnuradio.semsat.semantic.generate import qa_render_cases as cases
from gnuradio.semsat.semantic.generate.render import Renderer, render_frames
from gnuradio.semsat.semantic.generate.texture_fit import (
    FITTED_PARAMS,
    OFFSET_SHAPE,
    fit_texture_offsets,
    frame_texture_offsets,
)

EVERY_THIRD = slice(0, None, 3)


def smooth_displacement(mesh: np.ndarray) -> np.ndarray:
    """Offsets [10, 468, 2]: the lower face's texture 0.8 px right and 1.2 px down, and 1.5 px further down
    per unit of the mouth-opening coefficient, rising smoothly from the eyes to the chin."""
    y = mesh[:, 1]
    ramp = np.clip((y - y.mean()) / (y.max() - y.mean()), 0.0, 1.0)
    offsets = np.zeros(OFFSET_SHAPE)
    offsets[0] = np.stack([0.8 * ramp, 1.2 * ramp], axis=1)
    offsets[1, :, 1] = 1.5 * ramp
    return offsets


def test_a_known_texture_displacement_is_recovered():
    """Originals rendered from a GRID reference with a known offset table: the fitted table's per-frame
    offsets match the known ones to well within their size (the flow cannot see untextured skin exactly)."""
    c = cases.case(cases.GRID[0])
    meshes, params = c.face.mesh468[EVERY_THIRD], c.face.face_params[EVERY_THIRD]
    renderer = Renderer(c.crops[0], c.face.mesh468[0])
    truth = frame_texture_offsets(smooth_displacement(c.face.mesh468[0]), params, c.face.face_params[0])
    originals = render_frames(c.crops[0], c.face.mesh468[0], meshes, texture_offsets=truth)
    changes = params[:, FITTED_PARAMS] - c.face.face_params[0, FITTED_PARAMS]
    fitted = fit_texture_offsets(renderer, meshes, changes, originals)
    assert fitted is not None
    got = frame_texture_offsets(fitted, params, c.face.face_params[0])
    error, size = np.abs(got - truth).mean(), np.abs(truth).mean()
    print(f"texture offsets: mean error {error:.3f} px against a mean offset of {size:.3f} px")
    assert error <= 0.1 * size


def test_renders_of_the_true_meshes_land_closer_to_the_original_landmarks():
    """Measured on grid_brbk7n: dlib's AKD between the originals and renders of their own 468-point meshes
    0.81 px plain, 0.62 with the fitted offsets (an mp4 round trip of the originals: 0.40)."""
    c = cases.case(cases.GRID[1])
    meshes, params = c.face.mesh468, c.face.face_params
    renderer = Renderer(c.crops[0], meshes[0])
    fitted = fit_texture_offsets(
        renderer, meshes, params[:, FITTED_PARAMS] - params[0, FITTED_PARAMS], c.crops
    )
    assert fitted is not None
    offsets = frame_texture_offsets(fitted, params, params[0])
    reference = cases.landmarks(cases.GRID[1])
    plain = akd(reference, frame_landmarks(render_frames(c.crops[0], meshes[0], meshes))).mean
    shifted = akd(
        reference, frame_landmarks(render_frames(c.crops[0], meshes[0], meshes, texture_offsets=offsets))
    ).mean
    print(f"AKD of true-mesh renders: {plain:.3f} px plain, {shifted:.3f} px with texture offsets")
    assert shifted <= plain - 0.08


def test_nothing_is_kept_when_the_plain_renders_are_exact():
    c = cases.case(cases.GRID[0])
    meshes, params = c.face.mesh468[:12], c.face.face_params[:12]
    originals = render_frames(c.crops[0], c.face.mesh468[0], meshes)
    renderer = Renderer(c.crops[0], c.face.mesh468[0])
    changes = params[:, FITTED_PARAMS] - params[0, FITTED_PARAMS]
    assert fit_texture_offsets(renderer, meshes, changes, originals) is None


def test_mismatched_inputs_are_refused():
    c = cases.case(cases.GRID[0])
    renderer = Renderer(c.crops[0], c.face.mesh468[0])
    with pytest.raises(ValueError, match="parameter changes"):
        fit_texture_offsets(renderer, c.face.mesh468[:5], np.zeros((4, 9)), c.crops[:5])
    with pytest.raises(ValueError, match="texture offset"):
        renderer.render(c.face.mesh468[1], 0.0, np.full((468, 2), np.nan))

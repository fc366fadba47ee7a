"""V2A rendering on the development clips with clean features: extract → transmit the 12 face parameters and
the eyelid openings → rebuild the meshes from the KB reference (frame 0) → render with the KB record's
open-mouth and closed-eye frames and hair-follow share; every figure is printed beside the frozen baseline
(frame 0 held). Plus the renderer's no-holes and no-tearing properties."""

import cv2
import numpy as np
import pytest
from gnuradio.semsat.semantic.generate import qa_render_cases as cases
from gnuradio.semsat.semantic.generate.render import Renderer, render_frames


def scored(label: str, name: str) -> tuple[cases.Scores, cases.Scores]:
    output, frozen = cases.v2a_scores(name), cases.frozen_scores(name)
    print(cases.report(label, name, output, frozen))
    return output, frozen


@pytest.mark.parametrize("name", cases.GRID)
def test_v2a_on_grid_keeps_landmarks_mouth_pixels_and_identity(name):
    output, frozen = scored("V2A", name)
    o, f = output.summary(), frozen.summary()
    print(
        f"  AKD p95 {np.nanpercentile(output.akd, 95):.2f} px, "
        f"PSNR p5 {np.percentile(output.psnr, 5):.2f} dB, "
        f"identity < 0.35 on {np.nanmean(output.identity < 0.35):.0%} of sampled frames"
    )
    assert o["akd"] <= 1.2 and np.nanpercentile(output.akd, 95) <= 2.0
    assert o["mouth_akd"] <= 1.2 and o["mouth_akd"] <= 0.5 * f["mouth_akd"]
    assert o["psnr"] >= 28 and np.percentile(output.psnr, 5) >= 26
    assert o["ssim"] >= 0.85
    assert np.mean(output.identity < 0.35) >= 0.95


@pytest.mark.parametrize("name", cases.OTHERS)
def test_v2a_follows_real_head_and_camera_motion(name):
    output, frozen = scored("V2A", name)
    assert output.summary()["akd"] <= 2.5
    assert output.summary()["psnr"] >= frozen.summary()["psnr"] + 1.0


@pytest.mark.parametrize("name", [cases.GRID[0], cases.OTHERS[0]])
def test_every_pixel_is_written(name):
    """A reference frame with no black pixel, rendered along the whole clip: no black pixel appears."""
    c = cases.case(name)
    reference = np.maximum(c.crops[0], 1)
    output = render_frames(reference, c.face.mesh468[0], c.face.mesh468, (reference, c.face.mesh468[0]))
    assert output.shape == c.crops.shape and output.dtype == np.uint8
    assert (output.max(axis=-1) > 0).all()


def test_the_reference_mesh_gives_back_the_reference_frame():
    c = cases.case(cases.GRID[0])
    frame = render_frames(c.crops[0], c.face.mesh468[0], c.face.mesh468[:1])[0]
    assert cv2.PSNR(frame, c.crops[0]) > 40


def test_small_mesh_motion_changes_pixels_smoothly():
    """A head moving 0.25 px per frame: no pixel may jump more than a plain image shift of 0.25 px makes it
    (plus rounding), which a tear or a flipped triangle would."""
    c = cases.case(cases.GRID[0])
    renderer = Renderer(c.crops[0], c.face.mesh468[0])
    step = 0.25
    frames = [renderer.render(c.face.mesh468[0] + (i * step, i * step / 2, 0)) for i in range(5)]
    shifted = cv2.warpAffine(c.crops[0], np.float32([[1, 0, step], [0, 1, step / 2]]), (256, 256))
    bound = np.abs(shifted.astype(int) - c.crops[0])[2:-2, 2:-2].max() + 2
    for a, b in zip(frames, frames[1:], strict=False):
        assert np.abs(a.astype(int) - b).max() <= bound


def test_bad_meshes_are_refused():
    c = cases.case(cases.GRID[0])
    renderer = Renderer(c.crops[0], c.face.mesh468[0])
    with pytest.raises(ValueError):
        renderer.render(np.full((468, 3), np.nan))
    with pytest.raises(ValueError):
        Renderer(c.crops[0][:100], c.face.mesh468[0])

"""Blinks: the closed-eye knowledge-base frame blended in by the transmitted eyelid opening, and the
transmitter's hair-follow choice, against real frames (GRID bbaf2n blinks during a nod) and against
renders whose truth is known."""

import numpy as np
import pytest
from gnuradio.semsat.effect.image_quality import psnr
from gnuradio.semsat.semantic.extract.eyelids import eyelid_opening
from gnuradio.semsat.semantic.generate import qa_render_cases as cases
from gnuradio.semsat.semantic.generate.eyes import EYE_REGIONS, eye_closure, select_closed_eye_frame
from gnuradio.semsat.semantic.generate.hair_follow import HAIR_FOLLOW_CHOICES, choose_hair_follow
from gnuradio.semsat.semantic.generate.render import Renderer, render_frames

BLINK_CLIP = "grid_bbaf2n.mpg"


def blink_case():
    c = cases.case(BLINK_CLIP)
    closed = select_closed_eye_frame(c.face.mesh468, cases.REFERENCE)
    assert closed is not None, f"{BLINK_CLIP} blinks: its narrowest eyes must give a closed-eye frame"
    return c, closed


def eye_boxes(meshes: np.ndarray) -> np.ndarray:
    """[T, H, W] True around each frame's eyes and brows (where a blink shows)."""
    boxes = np.zeros((len(meshes), 256, 256), bool)
    for t, mesh in enumerate(meshes):
        for region in EYE_REGIONS:
            (x0, y0), (x1, y1) = mesh[region, :2].min(axis=0) - 4, mesh[region, :2].max(axis=0) + 4
            boxes[t, int(y0) : int(y1) + 1, int(x0) : int(x1) + 1] = True
    return boxes


def test_closure_runs_from_the_reference_to_the_closed_eye_frame():
    c, closed = blink_case()
    meshes = c.face.mesh468
    openings = eyelid_opening(meshes)
    closure = eye_closure(openings, meshes[cases.REFERENCE], meshes[closed])
    assert closure[cases.REFERENCE] == 0 and closure[closed] == 1
    assert closure.min() >= 0 and closure.max() <= 1
    wider, narrower = openings[cases.REFERENCE] * 1.2, openings[closed] * 0.5
    assert eye_closure([wider, narrower], meshes[cases.REFERENCE], meshes[closed]).tolist() == [0, 1]


def test_no_blink_no_closed_eye_frame():
    mesh = cases.case(BLINK_CLIP).face.mesh468[cases.REFERENCE]
    assert select_closed_eye_frame(np.repeat(mesh[None], 5, axis=0), 0) is None


def test_open_eyes_render_as_without_a_closed_eye_frame():
    c, closed = blink_case()
    meshes = c.face.mesh468
    plain = Renderer(c.crops[0], meshes[0])
    with_eyes = Renderer(c.crops[0], meshes[0], closed_eyes=(c.crops[closed], meshes[closed]))
    for t in (0, 10, 30):
        assert np.array_equal(with_eyes.render(meshes[t], 0.0), plain.render(meshes[t]))


def test_blink_frames_look_like_the_real_blink():
    """Around the eyes of the frames that blink (closure >= 0.5), the render with the closed-eye frame is
    closer to the original than the render without it, and the open-eyed frames are untouched."""
    c, closed = blink_case()
    meshes = c.face.mesh468
    closure = eye_closure(eyelid_opening(meshes), meshes[0], meshes[closed])
    blinking = np.flatnonzero(closure >= 0.5)
    assert blinking.size >= 2
    without = render_frames(c.crops[0], meshes[0], meshes[blinking])
    with_eyes = render_frames(
        c.crops[0],
        meshes[0],
        meshes[blinking],
        closed_eyes=(c.crops[closed], meshes[closed]),
        eye_closures=closure[blinking],
    )
    boxes = eye_boxes(meshes[blinking])
    original = c.crops[blinking]
    gain = (
        psnr(original * boxes[..., None], with_eyes * boxes[..., None]).per_frame
        - psnr(original * boxes[..., None], without * boxes[..., None]).per_frame
    )
    print(f"{BLINK_CLIP}: blink frames {blinking.tolist()}, eye-region PSNR gain {np.round(gain, 2)} dB")
    assert np.all(gain > 0) and gain.mean() > 1.0


@pytest.mark.parametrize("truth", HAIR_FOLLOW_CHOICES)
def test_hair_follow_is_recovered_from_frames_rendered_with_it(truth):
    """Originals rendered with a known hair-follow share (frames of the nod): the choice finds it."""
    c = cases.case(BLINK_CLIP)
    meshes = c.face.mesh468[40:60]
    originals = render_frames(c.crops[0], c.face.mesh468[0], meshes, hair_follow=truth)
    assert choose_hair_follow(c.crops[0], c.face.mesh468[0], meshes, originals) == truth

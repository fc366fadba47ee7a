"""The mouth interior is real: with a closed-mouth reference, open-mouth frames show a dark cavity inside the
inner lips about as large as the original's (a plain warp only stretches the lips over it).

"Dark" (documented definition): BT.601 luma below DARK_SHARE of the median luma of the face (inside the
face oval) in the same original frame; the cavity area is the dark share of the ORIGINAL's inner-lip polygon
(from its extracted mesh), summed over the open-mouth frames (inner-lip gap at least OPEN_SHARE of the clip's
widest). Inner-mouth PSNR is over the same polygon's pixels.
"""

import cv2
import numpy as np
import pytest
from gnuradio.semsat.semantic.generate import qa_render_cases as cases
from gnuradio.semsat.semantic.generate.mesh_from_params import MeshModel
from gnuradio.semsat.semantic.generate.mesh_topology import FACE_OVAL, INNER_LIPS
from gnuradio.semsat.semantic.generate.mouth import (
    MouthFiller,
    inner_lip_gap,
    inner_mouth_polygon,
    select_open_mouth_frame,
)
from gnuradio.semsat.semantic.generate.render import render_frames

DARK_SHARE = 0.5
OPEN_SHARE = 0.5
CLIPS = [*cases.GRID, "retalking_face1.mp4"]


def luma(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float64)


def polygon_mask(polygon: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon * 16).astype(np.int32)], 1, shift=4)
    return mask.astype(bool)


def cavity(name: str, with_mouth: bool) -> dict[str, float]:
    """Dark cavity share (%) of original and output, and inner-mouth PSNR, over the open-mouth frames."""
    c = cases.case(name)
    meshes = c.face.mesh468
    gaps = inner_lip_gap(meshes)
    reference = int(np.argmin(gaps))  # the most closed mouth of the clip
    opened = np.flatnonzero(gaps >= OPEN_SHARE * gaps.max())
    k = select_open_mouth_frame(meshes, c.crops)
    targets = MeshModel.from_reference(meshes[reference], c.face.face_params[reference]).meshes(
        c.face.face_params[opened]
    )
    output = render_frames(
        c.crops[reference], meshes[reference], targets, (c.crops[k], meshes[k]) if with_mouth else None
    )
    dark = {"original": 0, "output": 0}
    area, squared = 0, 0.0
    for original, rendered, mesh in zip(c.crops[opened], output, meshes[opened], strict=True):
        shape = original.shape[:2]
        inside = polygon_mask(inner_mouth_polygon(mesh), shape)
        face_luma = np.median(luma(original)[polygon_mask(mesh[list(FACE_OVAL), :2], shape)])
        for column, frame in (("original", original), ("output", rendered)):
            dark[column] += int((luma(frame)[inside] < DARK_SHARE * face_luma).sum())
        area += int(inside.sum())
        squared += float(((original[inside].astype(np.float64) - rendered[inside]) ** 2).sum())
    mse = squared / max(3 * area, 1)
    return {
        "reference_gap_px": float(gaps[reference]),
        "open_frames": len(opened),
        "original_pct": 100 * dark["original"] / area,
        "output_pct": 100 * dark["output"] / area,
        "inner_mouth_psnr_db": 10 * np.log10(255**2 / mse),
    }


@pytest.mark.parametrize("name", CLIPS)
def test_open_mouth_frames_show_a_dark_cavity_like_the_original(name):
    filled, plain = cavity(name, with_mouth=True), cavity(name, with_mouth=False)
    print(
        f"{name}: {filled} | plain warp: output {plain['output_pct']:.1f}%, "
        f"PSNR {plain['inner_mouth_psnr_db']:.2f}"
    )
    assert filled["reference_gap_px"] < 2.0  # the reference really shows a closed mouth
    assert 0.5 <= filled["output_pct"] / filled["original_pct"] <= 2.0
    assert filled["inner_mouth_psnr_db"] > plain["inner_mouth_psnr_db"]


def synthetic_mouths(gaps: list[float], dark: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Meshes with a face oval of radius ~50 px and inner lips opened by ``gaps`` (px), and frames whose
    inner mouth is black (``dark``) or face-coloured."""
    meshes = np.zeros((len(gaps), 468, 3))
    angles = np.linspace(0, 2 * np.pi, len(FACE_OVAL), endpoint=False)
    meshes[:, list(FACE_OVAL), 0] = 128 + 50 * np.cos(angles)
    meshes[:, list(FACE_OVAL), 1] = 128 + 50 * np.sin(angles)
    frames = np.full((len(gaps), 256, 256, 3), 180, np.uint8)
    lips = list(INNER_LIPS)
    t = np.linspace(0, 2 * np.pi, len(lips), endpoint=False)
    for i, (gap, black) in enumerate(zip(gaps, dark, strict=True)):
        meshes[i, lips, 0] = 128 + 20 * np.cos(t)
        meshes[i, lips, 1] = 150 + gap / 2 * np.sin(t)
        if black:
            frames[i, int(150 - gap / 3) : int(150 + gap / 3), 115:141] = 10
    return meshes, frames


def test_the_open_mouth_frame_is_the_typical_wide_open_one():
    # Among the wide frames (1-4), frame 1 is the widest but all teeth and frame 4 all cavity; frames 2 and 3
    # are the median: the wider of them (2) wins. Frame 5 is dark but too closed (30% of the widest) to count.
    meshes, frames = synthetic_mouths(
        [2.0, 20.0, 18.0, 16.0, 17.0, 6.0], [False, False, True, True, True, True]
    )
    frames[4, 140:160, 110:146] = 10  # the whole inner mouth dark
    frames[2, 150:160] = 180  # half of frame 2's cavity covered by (bright) teeth
    frames[3, 150:160] = 180
    assert select_open_mouth_frame(meshes, frames) == 2
    with pytest.raises(ValueError):
        select_open_mouth_frame(np.zeros((0, 468, 3)), frames[:0])


def test_a_closed_target_mouth_leaves_the_frame_untouched():
    image = np.full((64, 64, 3), 100, np.uint8)
    mesh = np.zeros((468, 3))
    mesh[:, :2] = 32.0  # every point at one spot: the inner lips enclose no area
    MouthFiller(np.zeros((64, 64, 3), np.uint8), mesh).fill(image, mesh)
    assert (image == 100).all()

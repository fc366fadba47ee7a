"""Face-centred square crops (256x256 by default) with a crop box that is stable over time.

The face fills about 60% of the crop's width (FACE_WIDTH_FRACTION), so the whole face, some hair and the chin
fit, as in the 256x256 talking-head crops on which the literature reports AKD. A head that barely moves gets
one fixed box for the whole clip (no jitter at all; it worked well for GRID); a moving head gets a box that
follows its position, median-filtered (drops single-frame outliers) and then low-passed (removes jitter), but
keeps one size for the clip (the median). A box that also followed the face's size would zoom the whole
background whenever the head leans in or the camera zooms, which no face parameter carries and a receiver
cannot reproduce; with one size the zoom stays in the face's scale, which it renders (VoxCeleb2 00015: the box
shrank 5% and V2A's PSNR gain over the frozen frame fell from 1.4 to 0.2 dB).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import numpy.typing as npt
from scipy.ndimage import gaussian_filter1d, median_filter

from .clip import Clip

CROP_SIZE = 256
FACE_WIDTH_FRACTION = 0.6
# Face width (cheek to cheek, the width of mediapipe's 468-point mesh on a frontal face) over the RMS
# distance of the mesh's points from their centroid in the image plane: 2.63-2.94 on the 10 development
# clips, 2.75 on the frontal GRID faces. The RMS radius does not change under in-plane rotation and changes
# little under yaw, unlike a bounding box.
FACE_WIDTH_PER_RMS_RADIUS = 2.75
# Below these movements (relative to the crop side) one box serves the whole clip.
FIXED_BOX_MAX_SHIFT = 0.04
FIXED_BOX_MAX_SCALE_CHANGE = 0.05
MEDIAN_WINDOW_S = 0.28
LOW_PASS_SIGMA_S = 0.12


def face_box(points: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Square box (x0, y0, x1, y1) one face width wide, centred on the centroid of facial landmarks [N, 2+]
    (e.g. mediapipe's 468 points) in pixels."""
    xy = np.asarray(points, dtype=np.float64)[:, :2]
    centre = xy.mean(axis=0)
    rms_radius = np.sqrt(((xy - centre) ** 2).sum(axis=1).mean())
    half = FACE_WIDTH_PER_RMS_RADIUS * rms_radius / 2
    return np.array([centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half], np.float32)


def crop_boxes(face_boxes: npt.ArrayLike, image_size: tuple[int, int], fps: float) -> npt.NDArray[np.float32]:
    """Integer square crop boxes [T, 4] (x0, y0, x1, y1 in source pixels) from per-frame face boxes [T, 4]
    (NaN rows where no face was found; they take the neighbours' box). ``image_size`` is (height, width).

    A box stays inside the image when it fits (the face is then off-centre by the shift); a box larger than
    the image covers all of it and the crop is padded.
    """
    boxes = np.asarray(face_boxes, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or len(boxes) == 0:
        raise ValueError(f"face boxes must be a non-empty [T, 4] array, got shape {boxes.shape}")
    valid = np.isfinite(boxes).all(axis=1)
    if not valid.any():
        raise ValueError("no face box in any frame: nothing to centre the crop on")
    frames = np.arange(len(boxes))
    centre_x, centre_y, side = (
        np.interp(frames, frames[valid], values[valid])
        for values in (
            (boxes[:, 0] + boxes[:, 2]) / 2,
            (boxes[:, 1] + boxes[:, 3]) / 2,
            (boxes[:, 2] - boxes[:, 0]) / FACE_WIDTH_FRACTION,
        )
    )
    track = np.stack([centre_x, centre_y, side], axis=1)
    window = max(1, int(round(MEDIAN_WINDOW_S * fps)) | 1)
    track = median_filter(track, size=(window, 1), mode="nearest")
    typical = np.median(track, axis=0)
    shift = np.linalg.norm(track[:, :2] - typical[:2], axis=1) / typical[2]
    scale_change = np.abs(track[:, 2] / typical[2] - 1)
    if shift.max() < FIXED_BOX_MAX_SHIFT and scale_change.max() < FIXED_BOX_MAX_SCALE_CHANGE:
        track = np.broadcast_to(typical, track.shape)
    else:
        track = gaussian_filter1d(track, sigma=LOW_PASS_SIGMA_S * fps, axis=0, mode="nearest")
        track[:, 2] = typical[2]  # one size for the clip (module docstring)
    return np.stack([_square_box(cx, cy, s, image_size) for cx, cy, s in track]).astype(np.float32)


def _square_box(centre_x: float, centre_y: float, side: float, image_size: tuple[int, int]) -> list[int]:
    side_px = max(1, int(round(side)))
    corner = []
    for centre, extent in ((centre_x, image_size[1]), (centre_y, image_size[0])):
        start = int(round(centre - side_px / 2))
        # Inside the image when the box fits; covering the whole image when it does not.
        low, high = min(0, extent - side_px), max(0, extent - side_px)
        corner.append(int(np.clip(start, low, high)))
    x0, y0 = corner
    return [x0, y0, x0 + side_px, y0 + side_px]


def crop_frames(
    frames: npt.NDArray[np.uint8], boxes: npt.ArrayLike, size: int = CROP_SIZE
) -> npt.NDArray[np.uint8]:
    """Crops [T, H, W, 3] frames to their boxes [T, 4] (integer x0, y0, x1, y1; parts outside the image
    repeat its edge pixels) and resizes them to size x size: INTER_AREA when shrinking, cubic when enlarging.

    A point (x, y) of the source maps to ((x - x0) * s, (y - y0) * s) in the crop, s = size / (x1 - x0).
    """
    frames = np.asarray(frames)
    boxes = np.rint(np.asarray(boxes, dtype=np.float64)).astype(np.int64)
    if frames.ndim != 4 or boxes.shape != (len(frames), 4):
        raise ValueError(f"need frames [T, H, W, 3] and boxes [T, 4], got {frames.shape} and {boxes.shape}")
    sides = boxes[:, 2:] - boxes[:, :2]
    if (sides <= 0).any() or (sides[:, 0] != sides[:, 1]).any():
        raise ValueError("crop boxes must be squares with x1 > x0 and y1 > y0")
    return np.stack([_crop_one(frame, box, size) for frame, box in zip(frames, boxes, strict=True)])


def _crop_one(frame: npt.NDArray[np.uint8], box: npt.NDArray[np.int64], size: int) -> npt.NDArray[np.uint8]:
    height, width = frame.shape[:2]
    x0, y0, x1, y1 = (int(v) for v in box)
    pad_left, pad_top = max(0, -x0), max(0, -y0)
    pad_right, pad_bottom = max(0, x1 - width), max(0, y1 - height)
    region = frame[max(0, y0) : min(height, y1), max(0, x0) : min(width, x1)]
    if region.size == 0:
        raise ValueError(f"crop box {x0, y0, x1, y1} lies outside the {width}x{height} frame")
    if pad_left or pad_top or pad_right or pad_bottom:
        region = cv2.copyMakeBorder(region, pad_top, pad_bottom, pad_left, pad_right, cv2.BORDER_REPLICATE)
    interpolation = cv2.INTER_AREA if x1 - x0 > size else cv2.INTER_CUBIC
    return cv2.resize(region, (size, size), interpolation=interpolation)


def crop_clip(clip: Clip, boxes: npt.ArrayLike, size: int = CROP_SIZE) -> Clip:
    """The clip with its frames cropped like :func:`crop_frames` (e.g. a reconstruction cropped with the
    boxes of the original's FaceSemantics.crop_boxes); the audio is unchanged."""
    return replace(clip, frames=crop_frames(clip.frames, boxes, size))

"""PSNR and SSIM between reference and output frames, per frame and averaged over the clip.

Both are computed on RGB uint8 frames with a data range of 255, matching scikit-image's
``peak_signal_noise_ratio(ref, out, data_range=255)`` and
``structural_similarity(ref, out, channel_axis=-1, data_range=255)`` with its defaults (7x7 uniform window,
sample covariance, K1 0.01, K2 0.03, the 3-pixel border left out): SSIM is the mean of the three channels'
SSIM, the convention of the talking-head papers that report it (scikit-image's ``multichannel=True``). It is
reimplemented with OpenCV box filters because it runs on every frame: half scikit-image's CPU time (11 against
23 ms per 256x256 frame), and the tests check it against scikit-image itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from .frames import as_frames, check_same_shape

DATA_RANGE = 255.0
# Identical frames have an infinite PSNR, which neither a mean nor JSON can carry. Every frame's PSNR is
# capped at 60 dB, libvmaf's ceiling for 8-bit video (6 x bits + 12): about the level of 8-bit quantisation
# itself (uniform rounding noise reads 58.9 dB), far above any reconstruction (codecs at 200 kb/s: ~32 dB).
# A clip compared with itself reads 60; the frozen baseline's exact first frame adds (60 - PSNR) / T to
# its mean (0.4 dB on a 75-frame GRID clip) instead of infinity.
PSNR_CAP_DB = 60.0
SSIM_WINDOW = 7
SSIM_K1, SSIM_K2 = 0.01, 0.03


@dataclass(frozen=True)
class FrameScores:
    """One score per frame and their mean."""

    mean: float
    per_frame: npt.NDArray[np.float64]


def psnr(reference: npt.ArrayLike, output: npt.ArrayLike) -> FrameScores:
    """PSNR in dB per frame (over all pixels and channels), capped at ``PSNR_CAP_DB``; mean of the frames."""
    ref, out = _pair(reference, output)
    per_frame = np.array([_frame_psnr(a, b) for a, b in zip(ref, out, strict=True)])
    return FrameScores(float(per_frame.mean()), per_frame)


def ssim(reference: npt.ArrayLike, output: npt.ArrayLike) -> FrameScores:
    """SSIM per frame (mean over the RGB channels, scikit-image's settings) and its mean over frames."""
    ref, out = _pair(reference, output)
    if min(ref.shape[1:3]) < SSIM_WINDOW:
        raise ValueError(
            f"SSIM needs frames of at least {SSIM_WINDOW}x{SSIM_WINDOW} pixels, got {ref.shape[1:3]}"
        )
    per_frame = np.array([_frame_ssim(a, b) for a, b in zip(ref, out, strict=True)])
    return FrameScores(float(per_frame.mean()), per_frame)


def _pair(reference: npt.ArrayLike, output: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    ref = as_frames(reference, "reference frames")
    out = as_frames(output, "output frames")
    check_same_shape(ref, out)
    return ref, out


def _frame_psnr(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    if mse == 0:
        return PSNR_CAP_DB
    return float(min(10.0 * np.log10(DATA_RANGE**2 / mse), PSNR_CAP_DB))


def _frame_ssim(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> float:
    x = a.astype(np.float64)
    y = b.astype(np.float64)

    def local_mean(image: np.ndarray) -> np.ndarray:
        # BORDER_REFLECT is scipy's "reflect" (what scikit-image's uniform_filter uses); the border it
        # touches is cropped below anyway.
        return cv2.boxFilter(image, -1, (SSIM_WINDOW, SSIM_WINDOW), borderType=cv2.BORDER_REFLECT)

    n = SSIM_WINDOW**2
    cov_norm = n / (n - 1)  # sample covariance, scikit-image's default
    mx, my = local_mean(x), local_mean(y)
    vx = cov_norm * (local_mean(x * x) - mx * mx)
    vy = cov_norm * (local_mean(y * y) - my * my)
    vxy = cov_norm * (local_mean(x * y) - mx * my)
    c1 = (SSIM_K1 * DATA_RANGE) ** 2
    c2 = (SSIM_K2 * DATA_RANGE) ** 2
    s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    pad = (SSIM_WINDOW - 1) // 2
    return float(s[pad:-pad, pad:-pad].mean())

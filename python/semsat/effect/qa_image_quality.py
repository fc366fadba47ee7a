"""PSNR and SSIM against scikit-image's implementations, computed independently in the test."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from gnuradio.semsat.effect.image_quality import PSNR_CAP_DB, psnr, ssim
from gnuradio.semsat.media.clip import read_video
from gnuradio.semsat.testing_media import require_media
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

REL = 1e-6


def reference_scores(reference: np.ndarray, output: np.ndarray) -> tuple[list[float], list[float]]:
    psnrs = [peak_signal_noise_ratio(a, b, data_range=255) for a, b in zip(reference, output, strict=True)]
    ssims = [
        structural_similarity(a, b, channel_axis=-1, data_range=255)
        for a, b in zip(reference, output, strict=True)
    ]
    return psnrs, ssims


def degraded(frames: np.ndarray, seed: int) -> np.ndarray:
    """Blur, noise and JPEG, each on some frames: a spread of qualities (about 20-40 dB)."""
    rng = np.random.default_rng(seed)
    out = []
    for t, frame in enumerate(frames):
        if t % 3 == 0:
            frame = cv2.GaussianBlur(frame, (0, 0), 1.5)
        elif t % 3 == 1:
            frame = np.clip(frame + rng.normal(0, 8, frame.shape), 0, 255).astype(np.uint8)
        else:
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 30])
            frame = cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED)
        out.append(frame)
    return np.stack(out)


def check_against_skimage(reference: np.ndarray, output: np.ndarray) -> None:
    psnrs, ssims = reference_scores(reference, output)
    ours_psnr, ours_ssim = psnr(reference, output), ssim(reference, output)
    np.testing.assert_allclose(ours_psnr.per_frame, psnrs, rtol=REL)
    np.testing.assert_allclose(ours_ssim.per_frame, ssims, rtol=REL)
    assert ours_psnr.mean == pytest.approx(np.mean(psnrs), rel=REL)
    assert ours_ssim.mean == pytest.approx(np.mean(ssims), rel=REL)


def test_agrees_with_skimage_on_synthetic_frames():
    rng = np.random.default_rng(0)
    # Smooth random pictures (noise blurred), then degraded: not just white noise, where SSIM is ~0.
    frames = np.stack(
        [cv2.GaussianBlur(rng.integers(0, 256, (96, 80, 3), np.uint8), (0, 0), 3) for _ in range(6)]
    )
    check_against_skimage(frames, degraded(frames, 1))


def test_agrees_with_skimage_on_a_grid_clip():
    frames = read_video(require_media() / "clips/grid_lrwp9a.mpg", max_frames=9)[:, 16:272, 52:308]
    check_against_skimage(frames, degraded(frames, 2))


def test_identical_frames_read_the_cap_and_one():
    frames = np.random.default_rng(3).integers(0, 256, (2, 32, 32, 3), np.uint8)
    assert psnr(frames, frames).mean == PSNR_CAP_DB
    assert ssim(frames, frames).mean == pytest.approx(1.0)


def test_bad_input_is_refused_clearly():
    a = np.zeros((2, 32, 32, 3), np.uint8)
    with pytest.raises(ValueError, match="differ in shape"):
        psnr(a, a[:1])
    with pytest.raises(ValueError, match="uint8"):
        ssim(a.astype(np.float32), a)
    with pytest.raises(ValueError, match="at least 7x7"):
        ssim(a[:, :5, :5], a[:, :5, :5])

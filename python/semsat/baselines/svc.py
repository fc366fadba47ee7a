"""SVC: keypoints per frame at V2A's symbol count, sent as analog symbols, and keypoint-driven warping of
the reference frame at the receiver (video only; speech through codec2 when asked, counted apart).

Each frame's landmark motion becomes 2 x symbols_per_frame unit-variance PCA coefficients
(keypoint_codebook), two per complex symbol; symbols_per_frame = budget // frames, so the clip costs at most
the budget. Analog rather than digital: at V2A's ~7 symbols per frame a coded QPSK packet would carry ~7 bits
per frame, too few for 68 points, while analog coefficients degrade with the noise instead of being lost
(as V2A's own face parameters). The receiver takes the LMMSE estimate y / (1 + N0) of each symbol with the
demapper's per-symbol N0 (unit signal power); a lost packet holds the last frame received (the reference's
landmarks before any).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..media.clip import Clip
from . import stream_ids
from .carry import AnalogCarry, DigitalCarry
from .codec2_audio import DEFAULT_MODE, run_codec2
from .keypoint_codebook import KeypointCodebook
from .keypoint_warp import KeypointWarper
from .result import BaselineResult

FRAMES_PER_PACKET = 25  # one analog OFDM frame per second of video, as V2A's face windows


def symbols_per_frame(budget_symbols: int, n_frames: int, codebook: KeypointCodebook) -> int:
    per_frame = min(budget_symbols // n_frames, codebook.components // 2)
    if per_frame < 1:
        raise ValueError(f"{budget_symbols} symbols for {n_frames} frames is under one symbol per frame")
    return per_frame


def to_symbols(coefficients: npt.NDArray[np.float64]) -> npt.NDArray[np.complex64]:
    """[T, 2m] coefficients -> [T, m] symbols of unit average power."""
    return ((coefficients[:, 0::2] + 1j * coefficients[:, 1::2]) / np.sqrt(2)).astype(np.complex64)


def from_symbols(symbols: npt.NDArray[np.complex128]) -> npt.NDArray[np.float64]:
    c = np.empty((symbols.shape[0], 2 * symbols.shape[1]))
    c[:, 0::2], c[:, 1::2] = symbols.real * np.sqrt(2), symbols.imag * np.sqrt(2)
    return c


def run_svc(
    clip: Clip,
    landmarks: npt.ArrayLike,
    carry: AnalogCarry,
    budget_symbols: int,
    codebook: KeypointCodebook,
    audio_carry: DigitalCarry | None = None,
    audio_mode: str = DEFAULT_MODE,
) -> BaselineResult:
    """``clip`` (square crops) with its 68-point ``landmarks`` [T, 68, 2] (crop pixels, the sender's
    extraction); the reference frame is clip frame 0 (the KB's), its landmarks included."""
    track = np.asarray(landmarks, np.float64)
    n = clip.n_frames
    if track.shape != (n, 68, 2):
        raise ValueError(f"need landmarks [{n}, 68, 2] for the clip's frames, got {track.shape}")
    per_frame = symbols_per_frame(budget_symbols, n, codebook)
    symbols = to_symbols(codebook.encode(track, 2 * per_frame))
    packets = [symbols[i : i + FRAMES_PER_PACKET].ravel() for i in range(0, n, FRAMES_PER_PACKET)]
    arrived = carry(packets, stream_ids.KEYPOINTS)
    estimate = np.zeros(symbols.shape, np.complex128)
    received = np.zeros(n, bool)
    for index, got in arrived.items():
        first = index * FRAMES_PER_PACKET
        count = min(FRAMES_PER_PACKET, n - first)
        if count <= 0 or got.symbols.size != count * per_frame:
            continue
        lmmse = got.symbols.astype(np.complex128) / (1.0 + got.noise_var.astype(np.float64))
        estimate[first : first + count] = lmmse.reshape(count, per_frame)
        received[first : first + count] = True
    points = codebook.decode(from_symbols(estimate), track[0])
    for t in range(n):
        if not received[t]:
            points[t] = points[t - 1] if t > 0 else track[0]
    warper = KeypointWarper(clip.frames[0], track[0])
    frames = np.stack([warper.render(p) for p in points])
    audio = (
        run_codec2(clip.audio, clip.sample_rate, audio_carry, audio_mode) if audio_carry is not None else None
    )
    costs = {"keypoints": int(symbols.size)}
    if audio is not None:
        costs["audio"] = audio.symbols
    details = {"symbols_per_frame": per_frame, "components": 2 * per_frame}
    return BaselineResult(frames, ~received, costs, audio, details)

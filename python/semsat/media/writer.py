"""Writing reconstructed clips as mp4 (H.264 video + AAC audio) with both tracks in sync."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from .clip import rational_fps


def write_clip(
    path: str | Path,
    frames: npt.NDArray[np.uint8],
    fps: float,
    audio: npt.NDArray[np.float32] | None = None,
    sample_rate: int = 16_000,
    crf: int = 18,
) -> None:
    """Encodes RGB frames [T, H, W, 3] and optional mono audio; both start at time zero.

    Odd frame sizes are padded by one pixel (yuv420p needs even dimensions).
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.shape[0] == 0:
        raise ValueError(f"frames must be a non-empty [T, H, W, 3] array, got shape {frames.shape}")
    frames = frames.astype(np.uint8, copy=False)
    pad_h, pad_w = frames.shape[1] % 2, frames.shape[2] % 2
    if pad_h or pad_w:
        frames = np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    with av.open(str(path), mode="w") as container:
        video = container.add_stream("libx264", rate=rational_fps(fps))
        video.width, video.height = frames.shape[2], frames.shape[1]
        video.pix_fmt = "yuv420p"
        video.options = {"crf": str(crf), "preset": "veryfast"}
        sound = None
        if audio is not None and audio.size:
            sound = container.add_stream("aac", rate=sample_rate)
            sound.layout = "mono"
        for image in frames:
            for packet in video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if sound is not None:
            _encode_audio(container, sound, np.asarray(audio, dtype=np.float32), sample_rate)


def _encode_audio(container: av.container.OutputContainer, stream, audio: np.ndarray, rate: int) -> None:
    block = 1024  # AAC frame size
    for start in range(0, audio.size, block):
        chunk = np.clip(audio[start : start + block], -1.0, 1.0).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(chunk, format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)

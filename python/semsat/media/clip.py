"""Reading talking-head clips and speech files with PyAV (bundled FFmpeg) into fixed-rate arrays."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

DEFAULT_FPS = 25.0
DEFAULT_SAMPLE_RATE = 16_000


class MediaError(ValueError):
    """A file that cannot be used as media: says which file and what to do."""


@dataclass
class Clip:
    """Video frames (RGB uint8, [T, H, W, 3]) at ``fps`` and mono float32 audio at ``sample_rate``."""

    frames: npt.NDArray[np.uint8]
    fps: float
    audio: npt.NDArray[np.float32]
    sample_rate: int
    source: str

    @property
    def n_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


def _open(path: str | Path) -> av.container.InputContainer:
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes)")
    try:
        return av.open(str(path))
    except av.error.FFmpegError as e:
        raise MediaError(f"{path}: FFmpeg cannot read it as media ({e.strerror or e})") from None


def read_video(
    path: str | Path, fps: float = DEFAULT_FPS, max_frames: int | None = None
) -> npt.NDArray[np.uint8]:
    """Frames resampled to ``fps`` by sample-and-hold on presentation times (no interpolation blur)."""
    if fps <= 0:
        raise ValueError(f"fps must be > 0, got {fps}")
    with _open(path) as container:
        if not container.streams.video:
            raise MediaError(f"{path}: has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        frames: list[np.ndarray] = []
        times: list[float] = []
        # With max_frames, stop decoding one source frame past the last output time we need.
        horizon = None if max_frames is None else max_frames / fps
        try:
            for frame in container.decode(stream):
                if frame.pts is None:
                    continue
                times.append(float(frame.pts * stream.time_base))
                frames.append(frame.to_ndarray(format="rgb24"))
                if horizon is not None and times[-1] - times[0] > horizon:
                    break
        except av.error.FFmpegError as e:
            if not frames:
                raise MediaError(f"{path}: the video stream cannot be decoded ({e})") from None
            # A truncated or damaged tail: keep what decoded.
    if not frames:
        raise MediaError(f"{path}: the video stream holds no frame")
    order = np.argsort(times)
    start = times[order[0]]
    source_times = np.array(times)[order] - start
    last = source_times[-1] + (source_times[-1] - source_times[-2] if len(order) > 1 else 1.0 / fps)
    n_out = max(1, int(round(last * fps)))
    if max_frames is not None:
        n_out = min(n_out, max_frames)
    wanted = np.arange(n_out) / fps
    picks = np.clip(np.searchsorted(source_times, wanted + 1e-6, side="right") - 1, 0, len(order) - 1)
    return np.stack([frames[order[i]] for i in picks])


def read_audio(path: str | Path, sample_rate: int = DEFAULT_SAMPLE_RATE) -> npt.NDArray[np.float32]:
    """The first audio stream, downmixed to mono float32 in [-1, 1] at ``sample_rate``."""
    with _open(path) as container:
        if not container.streams.audio:
            raise MediaError(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as e:
            if not chunks:
                raise MediaError(f"{path}: the audio stream cannot be decoded ({e})") from None
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32)


def read_clip(
    path: str | Path,
    fps: float = DEFAULT_FPS,
    sample_rate: int = DEFAULT_SAMPLE_RATE,
    max_frames: int | None = None,
) -> Clip:
    """Video and audio of a clip. A clip without audio gets silence of the video's length."""
    frames = read_video(path, fps, max_frames)
    n_samples = int(round(frames.shape[0] / fps * sample_rate))
    try:
        audio = read_audio(path, sample_rate)
    except MediaError as e:
        if "no audio stream" not in str(e):
            raise
        audio = np.zeros(n_samples, dtype=np.float32)
    # Trim or pad the audio to the video's length so both tracks stay in step.
    audio = np.pad(audio[:n_samples], (0, max(0, n_samples - audio.size)))
    return Clip(frames, float(fps), audio.astype(np.float32), sample_rate, str(path))


def rational_fps(fps: float) -> Fraction:
    """FFmpeg wants a rational frame rate; 29.97-style rates keep their exact NTSC form."""
    return Fraction(fps).limit_denominator(1001)

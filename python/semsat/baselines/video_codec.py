"""H.264 / H.265 with PyAV (libx264 / libx265) for a clip of square frames: encode at a resolution, frame
step and CRF into access units (one per coded frame, no B-frames, one GOP for the whole clip: at a few
hundred bytes per clip a second I-frame does not fit), and decode what arrived.

The receiver shows every clip frame t as the decoded picture of coded frame t // step scaled back to the
clip's size; a frame that did not decode shows the last one that did (mid-gray before the first), and is
flagged lost. Decoding stops at the first access unit the decoder rejects, so a corrupt bitstream freezes
the picture instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
import numpy.typing as npt

from .nal_units import essential

ENCODERS = {"h264": "libx264", "h265": "libx265"}
DECODERS = {"h264": "h264", "h265": "hevc"}
GRAY = 128
CLIP_FPS = 25


@dataclass(frozen=True)
class VideoSettings:
    """What both ends agree on: codec, coded size (square), clip frames per coded frame, and the CRF."""

    codec: str
    size: int
    step: int
    crf: int

    def __post_init__(self) -> None:
        if self.codec not in ENCODERS:
            raise ValueError(f"unknown codec {self.codec!r}; one of {', '.join(ENCODERS)}")
        if self.size < 16 or self.size % 2 or self.step < 1 or not 0 <= self.crf <= 51:
            raise ValueError(f"bad video settings {self}")


@dataclass(frozen=True)
class DecodedVideo:
    frames: npt.NDArray[np.uint8]  # [T, S, S, 3]
    lost: npt.NDArray[np.bool_]  # [T]
    decoded_units: int


def _encoder_options(settings: VideoSettings) -> dict[str, str]:
    crf = str(settings.crf)
    if settings.codec == "h264":
        # No B-frames: every access unit is one picture in display order. One thread: one slice per picture.
        return {"crf": crf, "preset": "veryslow", "bf": "0", "threads": "1", "sc_threshold": "0"}
    params = "log-level=error:bframes=0:info=0:frame-threads=1:pools=none:scenecut=0"
    return {"crf": crf, "preset": "slow", "x265-params": params}


def encode(frames: npt.NDArray[np.uint8], settings: VideoSettings) -> list[bytes]:
    """The access units (Annex B, SEI-free) of frames[::step] at settings.size x settings.size."""
    coded = frames[:: settings.step]
    context = av.CodecContext.create(ENCODERS[settings.codec], "w")
    context.width = context.height = settings.size
    context.pix_fmt = "yuv420p"
    context.time_base = Fraction(settings.step, CLIP_FPS)
    context.gop_size = len(coded) + 1
    context.options = _encoder_options(settings)
    packets = []
    for index, image in enumerate(coded):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
        frame = frame.reformat(width=settings.size, height=settings.size, format="yuv420p")
        frame.pts = index
        packets += context.encode(frame)
    packets += context.encode(None)
    return [essential(settings.codec, bytes(p)) for p in packets]


def split_access_units(settings: VideoSettings, data: bytes, complete: bool) -> list[bytes]:
    """Access units of a received stream prefix; when the prefix was cut, its last unit may be too and is
    dropped (the decoder would conceal the missing part with garbage)."""
    if not data:
        return []
    parser = av.CodecContext.create(DECODERS[settings.codec], "r")
    units = [bytes(p) for p in parser.parse(data) + parser.parse(None)]
    return units if complete else units[:-1]


def decode(settings: VideoSettings, units: list[bytes], n_frames: int, frame_size: int) -> DecodedVideo:
    """The clip's n_frames frames [T, frame_size, frame_size, 3] from the first access units of its stream."""
    context = av.CodecContext.create(DECODERS[settings.codec], "r")
    pictures: list[npt.NDArray[np.uint8]] = []

    def keep(frames: list[av.VideoFrame]) -> None:
        for frame in frames:
            rgb = frame.reformat(width=frame_size, height=frame_size, format="rgb24")
            pictures.append(rgb.to_ndarray())

    try:
        for unit in units:
            keep(context.decode(av.Packet(unit)))
        keep(context.decode(None))
    except (av.error.FFmpegError, ValueError):
        pass  # the pictures so far stand; the rest of the clip holds the last one
    coded_frames = -(-n_frames // settings.step)
    pictures = pictures[:coded_frames]
    out = np.full((n_frames, frame_size, frame_size, 3), GRAY, np.uint8)
    lost = np.ones(n_frames, bool)
    for t in range(n_frames):
        index = t // settings.step
        if index < len(pictures):
            out[t] = pictures[index]
            lost[t] = False
        elif t > 0:
            out[t] = out[t - 1]
    return DecodedVideo(out, lost, len(pictures))

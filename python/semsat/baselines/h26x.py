"""H.264+LDPC and H.265+LDPC: the clip's frames through a real video encoder at the settings that fit the
video budget, the bitstream in one-codeword packets over the digital path, decoded up to the first lost
packet (the picture then freezes: one GOP per clip), and the speech through codec2 (counted apart).

The budget is the video stream's: the issue compares these baselines at ten times V2A's symbols per clip, and
V2A's symbols carry the whole clip (face and text), so audio is reported beside, not taken from it.
"""

from __future__ import annotations

from ..media.clip import Clip
from . import stream_ids
from .carry import DigitalCarry
from .chunking import chunk_stream, received_prefix
from .codec2_audio import DEFAULT_MODE, run_codec2
from .rate_fit import FittedVideo, fit_to_budget
from .result import BaselineResult
from .video_codec import decode, split_access_units


def run_h26x(
    codec: str,
    clip: Clip,
    carry: DigitalCarry,
    budget_symbols: int,
    audio_mode: str | None = DEFAULT_MODE,
    fitted: FittedVideo | None = None,
) -> BaselineResult:
    """``clip`` (square crops) through ``codec`` ("h264" or "h265") within ``budget_symbols`` video symbols;
    ``fitted`` reuses an encoding of the same clip and budget (the sender's choice does not depend on the
    channel); ``audio_mode`` None sends no audio."""
    video = fitted if fitted is not None else fit_to_budget(clip.frames, codec, budget_symbols)
    if video.settings.codec != codec or video.symbols > budget_symbols:
        raise ValueError(
            f"the fitted {video.settings.codec} stream ({video.symbols} symbols) is not a {codec} "
            f"stream within {budget_symbols} symbols"
        )
    packets = chunk_stream(video.stream)
    prefix = received_prefix(carry(packets, stream_ids.VIDEO))
    units = split_access_units(video.settings, prefix.data, prefix.complete)
    shown = decode(video.settings, units, clip.n_frames, clip.frames.shape[1])
    audio = run_codec2(clip.audio, clip.sample_rate, carry, audio_mode) if audio_mode is not None else None
    symbols = {"video": video.symbols}
    if audio is not None:
        symbols["audio"] = audio.symbols
    s = video.settings
    details = {
        "codec": codec,
        "coded_size": s.size,
        "coded_fps": 25 / s.step,
        "crf": s.crf,
        "stream_bytes": len(video.stream),
        "packets": len(packets),
        "packets_in_prefix": prefix.packets,
        "encoder_psnr_db": video.psnr_db,
    }
    return BaselineResult(shown.frames, shown.lost, symbols, audio, details)


def run_h264(clip: Clip, carry: DigitalCarry, budget_symbols: int, **options) -> BaselineResult:
    return run_h26x("h264", clip, carry, budget_symbols, **options)


def run_h265(clip: Clip, carry: DigitalCarry, budget_symbols: int, **options) -> BaselineResult:
    return run_h26x("h265", clip, carry, budget_symbols, **options)

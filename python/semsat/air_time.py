"""Frames sent at their air times through a channel block, without keeping the idle time in memory.

A link that spreads a window over bursts a few hundred milliseconds apart sends millions of idle samples
between them, and a fading channel must see that time pass (its fades move on) for the bursts to meet the
fades they would really meet. ``through_channel`` runs one flowgraph: a source that emits each frame at its
sample offset and zeros between, the channel block, and a sink that keeps only the samples around each frame
(the receiver needs nothing else: the idle time holds only the channel's noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from gnuradio import gr

LEAD_SAMPLES = (
    1024  # noise kept before each frame: the detector's search starts in noise, as in a real receiver
)
TAIL_SAMPLES = 2048  # and after it: the channel's delay spread and the detector's look-ahead


@dataclass(frozen=True)
class TimedFrame:
    start: int  # sample offset of the frame's first sample on the air
    samples: npt.NDArray[np.complex64]


class _ScheduleSource(gr.sync_block):
    """Zeros, with each frame's samples at its offset."""

    def __init__(self, frames: list[TimedFrame], total: int) -> None:
        gr.sync_block.__init__(self, name="air_time_source", in_sig=None, out_sig=[np.complex64])
        self._frames = frames
        self._total = total

    def work(self, input_items, output_items) -> int:
        out = output_items[0]
        begin = self.nitems_written(0)
        n = min(len(out), self._total - begin)
        if n <= 0:
            return -1  # WORK_DONE
        out[:n] = 0
        for frame in self._frames:
            lo, hi = max(frame.start, begin), min(frame.start + len(frame.samples), begin + n)
            if lo < hi:
                out[lo - begin : hi - begin] = frame.samples[lo - frame.start : hi - frame.start]
        return n


class _WindowSink(gr.sync_block):
    """Keeps the samples inside the given [start, end) spans of its input."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        gr.sync_block.__init__(self, name="air_time_sink", in_sig=[np.complex64], out_sig=None)
        self.spans = spans
        self.kept = [np.zeros(end - start, np.complex64) for start, end in spans]

    def work(self, input_items, output_items) -> int:
        x = input_items[0]
        begin = self.nitems_read(0)
        for (start, end), kept in zip(self.spans, self.kept, strict=True):
            lo, hi = max(start, begin), min(end, begin + len(x))
            if lo < hi:
                kept[lo - start : hi - start] = x[lo - begin : hi - begin]
        return len(x)


def through_channel(frames: list[TimedFrame], channel: gr.basic_block) -> npt.NDArray[np.complex64]:
    """The channel's output around each frame (LEAD_SAMPLES before, TAIL_SAMPLES after), frames in time
    order, laid end to end: what a receiver that slept through the idle time would see."""
    frames = sorted(frames, key=lambda f: f.start)
    for earlier, later in zip(frames, frames[1:], strict=False):
        if earlier.start + len(earlier.samples) > later.start:
            raise ValueError(f"frames at {earlier.start} and {later.start} overlap on the air")
    if not frames or frames[0].start < LEAD_SAMPLES:
        raise ValueError(f"the first frame must start at or after sample {LEAD_SAMPLES}")
    spans = []
    for f in frames:
        start, end = f.start - LEAD_SAMPLES, f.start + len(f.samples) + TAIL_SAMPLES
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], end)  # frames close together share one span
        else:
            spans.append((start, end))
    top = gr.top_block()
    source = _ScheduleSource(frames, spans[-1][1])
    sink = _WindowSink(spans)
    top.connect(source, channel, sink)
    top.run()
    return np.concatenate(sink.kept)

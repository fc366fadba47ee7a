"""Ends a sample stream at an end-of-burst frame, for sources that never end by themselves.

A ZMQ pull source (or an SDR) delivers samples but no end of stream; the processes of the split-process
flowgraph stop instead at the transmitter's end-of-burst frames (frame_sequencer.END_STREAM_ID): the OFDM
mapper tags each frame's first sample with its stream_id, and ZMQ carries the tags. A block only learns that
its stream ends when it is called once more, so the stream ends at the START of the ``end_frame``-th such
frame, whose samples are still to come: a channel process ends at the third and passes two on, the receiver
process ends at the second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pmt
from gnuradio import gr

from .frame_sequencer import END_FRAMES, END_STREAM_ID

STREAM_ID = pmt.intern("stream_id")
POLL_S = 0.05
GRACE_S = 0.5


class stream_end(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Complex samples pass through unchanged up to the sample tagged with the ``end_frame``-th
    stream_id == ``end_stream_id``; there the stream ends."""

    def __init__(self, end_frame: int = 2, end_stream_id: int = END_STREAM_ID) -> None:
        gr.sync_block.__init__(self, name="stream_end", in_sig=[np.complex64], out_sig=[np.complex64])
        if not 1 <= end_frame <= END_FRAMES:
            raise ValueError(
                f"end_frame must be 1..{END_FRAMES} (the transmitter sends {END_FRAMES}), got {end_frame}"
            )
        self._end_frame = end_frame
        self._end_stream_id = end_stream_id
        self._seen = 0
        self._end: int | None = None  # absolute sample index where the stream ends
        self._ended = threading.Event()

    def ended(self) -> bool:
        """Whether the stream has ended here (every sample up to the end is passed on)."""
        return self._ended.is_set()

    def work(self, input_items, output_items) -> int:  # noqa: ANN001 (GNU Radio's signature)
        start = self.nitems_read(0)
        n = len(input_items[0])
        if self._end is None:
            self._find_end(start, start + n)
        if self._end is not None:
            n = min(n, self._end - start)
            if n <= 0:
                self._ended.set()
                return -1  # WORK_DONE
        output_items[0][:n] = input_items[0][:n]
        return n

    def _find_end(self, start: int, stop: int) -> None:
        for tag in sorted(self.get_tags_in_range(0, start, stop, STREAM_ID), key=lambda t: t.offset):
            if pmt.to_long(tag.value) == self._end_stream_id:
                self._seen += 1
                if self._seen == self._end_frame:
                    self._end = tag.offset
                    return


def stop_when(
    top_block: gr.top_block, drained: Callable[[], bool], grace_s: float = GRACE_S
) -> threading.Thread:
    """Stops ``top_block`` once ``drained()`` holds (checked every POLL_S), ``grace_s`` later.

    A ZMQ pull source never finishes, even after everything downstream of a stream_end has: GNU Radio only
    ends a source whose output buffer is full. A GRC flowgraph with one calls this after start (snippet
    main_after_start) with what "through" means for it: every sample handed to the ZMQ push sink, or the
    wire block's clip sent. The grace lets ZMQ's I/O thread hand the last messages on before the sockets
    close.
    """

    def watch() -> None:
        while not drained():
            time.sleep(POLL_S)
        time.sleep(grace_s)
        top_block.stop()

    watcher = threading.Thread(target=watch, name="stop_when", daemon=True)
    watcher.start()
    return watcher

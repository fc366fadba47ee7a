"""Symbol PDUs of several semantic encoders -> ONE tagged symbol stream for the OFDM mapper, in a fixed order.

Message PDUs reach pdu_to_tagged_stream in whatever order the encoders' threads finish, so the frames on the
air (and the fading and noise each meets) would change from run to run. This source waits until every encoder
has finished (``upstreams`` of them, message "done"), then streams the frames ordered by the air time
(``air_time_s``: the encoders spread each window's bursts 250 ms apart), then by the position of their stream
in ``streams`` and by ``seq``, each tagged with ``tx_time`` (its air time: the OFDM mapper puts it on the
frame and the channel blocks let the idle time before the frame pass, so each burst meets its own fade), and
ends: the IQ stream and its tags are a function of the semantics alone, which is what lets a transmitter, a
channel and a receiver in three processes reproduce the single-process loopback. ``END_FRAMES`` frames of
``END_STREAM_ID`` close the burst so a process whose source cannot see the stream end (a ZMQ or SDR source)
knows where it stops (stream_end): each process in a chain ends at the start of one of them and keeps the ones
before it, so the next process still finds one, and the receiver's demapper still has samples after the last
semantic frame to look ahead into.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pmt
from gnuradio import gr

from ..burst_order import burst_order
from ..semantic.codec.streams import STREAM_IDS
from .upstream_done import join_upstreams

END_STREAM_ID = 255  # PHY header stream id of the end-of-burst frame
END_FRAME_SYMBOLS = 64
END_FRAMES = 3  # enough for a channel process and a receiver process in a chain
FRAME_TYPE_ANALOG = 0
IDLE_WAIT_S = 0.05


def end_frame() -> np.ndarray:
    """The end-of-burst frame's payload: unit-power QPSK with a fixed pattern (its content is not read)."""
    bits = np.arange(2 * END_FRAME_SYMBOLS) % 3 == 0
    return ((1 - 2 * bits[0::2]) + 1j * (1 - 2 * bits[1::2])).astype(np.complex64) / np.sqrt(2)


class frame_sequencer(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Symbol PDUs on "in" from ``upstreams`` encoders -> tagged stream (``len_tag_key``, stream_id, seq,
    frame_type) once all of them are done, ordered by ``streams`` then ``seq``; then END_FRAMES
    end-of-burst frames."""

    def __init__(self, streams: Sequence[str], upstreams: int, len_tag_key: str = "packet_len") -> None:
        gr.sync_block.__init__(self, name="frame_sequencer", in_sig=None, out_sig=[np.complex64])
        unknown = [s for s in streams if s not in STREAM_IDS]
        if unknown or not streams:
            raise ValueError(f"streams must be some of {sorted(STREAM_IDS)}, got {list(streams)}")
        self._order = {STREAM_IDS[s]: i for i, s in enumerate(streams)}
        self._len_key = pmt.intern(len_tag_key)
        self._lock = threading.Lock()
        self._frames: list[tuple[tuple[float, int, int], int, int, np.ndarray]] = []
        self._ignored = 0
        self._ready = threading.Event()
        # (tx_time, stream_id, seq, symbols) left to stream; the end frames follow at once (no tx_time)
        self._queue: list[tuple[float | None, int, int, np.ndarray]] = []
        self._offset = 0  # symbols of the frame at the head of the queue already written
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._take)
        join_upstreams(self, upstreams, {"in": self._take}, self._all_done)

    def frames(self) -> int:
        """Frames collected so far (the end frame not included)."""
        with self._lock:
            return len(self._frames)

    def ignored(self) -> int:
        """PDUs that were not symbol PDUs of one of ``streams`` (dropped with a warning)."""
        with self._lock:
            return self._ignored

    def _take(self, msg: pmt.pmt_base) -> None:
        try:
            meta, vector = pmt.car(msg), pmt.cdr(msg)
            air_time_s, stream_id, seq = burst_order(meta)
            symbols = np.asarray(pmt.c32vector_elements(vector), np.complex64)
            if stream_id not in self._order or len(symbols) == 0:
                raise ValueError(f"stream id {stream_id} is not one of the sequenced streams")
        except (ValueError, TypeError, RuntimeError) as error:
            with self._lock:
                self._ignored += 1
            self.logger.warn(f"ignored PDU: {error}")
            return
        with self._lock:
            self._frames.append(((air_time_s, self._order[stream_id], seq), stream_id, seq, symbols))

    def _all_done(self) -> None:
        with self._lock:
            ordered = sorted(self._frames, key=lambda frame: frame[0])
            self._queue = [(key[0], stream_id, seq, symbols) for key, stream_id, seq, symbols in ordered]
            self._queue += [(None, END_STREAM_ID, i, end_frame()) for i in range(END_FRAMES)]
        self._ready.set()

    def work(self, input_items, output_items) -> int:  # noqa: ANN001 (GNU Radio's signature)
        # Until the encoders are done there is nothing to send; waiting here (woken by the last "done")
        # keeps the scheduler from spinning on a source that produces nothing.
        if not self._ready.wait(IDLE_WAIT_S):
            return 0
        with self._lock:
            if not self._queue:
                return -1  # WORK_DONE: the mapper, and after it the flowgraph, see the end of the stream
            out = output_items[0]
            written = 0
            while self._queue and written < len(out):
                tx_time, stream_id, seq, symbols = self._queue[0]
                if self._offset == 0:
                    self._tag_frame(self.nitems_written(0) + written, stream_id, seq, len(symbols), tx_time)
                n = min(len(symbols) - self._offset, len(out) - written)
                out[written : written + n] = symbols[self._offset : self._offset + n]
                written += n
                self._offset += n
                if self._offset == len(symbols):
                    self._queue.pop(0)
                    self._offset = 0
            return written

    def _tag_frame(self, offset: int, stream_id: int, seq: int, length: int, tx_time: float | None) -> None:
        for key, value in (
            (self._len_key, length),
            (pmt.intern("frame_type"), FRAME_TYPE_ANALOG),
            (pmt.intern("stream_id"), stream_id),
            (pmt.intern("seq"), seq),
        ):
            self.add_item_tag(0, offset, key, pmt.from_long(value))
        if tx_time is not None:
            self.add_item_tag(0, offset, pmt.intern("tx_time"), pmt.from_double(tx_time))

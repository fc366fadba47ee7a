"""Symbol PDUs held, then sent in the order of their air times, each with the PHY's ``tx_time``.

The semantic encoders time-interleave each window over bursts meant to leave 250 ms apart
(``air_time_s`` in their meta, on the stream's clock), so that each burst meets its own fade. A link that
sent them as they were encoded would put them back to back into one fade. This block holds the bursts of
a clip until "release" (a double: the air time in seconds at which the stream's clock starts), then sends
them ordered by air time, then stream id, then seq (burst_order.py says why), each with ``tx_time`` =
release time + air_time_s in its meta: pdu_to_tagged_stream makes it a tag, the OFDM mapper puts it on the
frame's first sample, and the channel blocks let the idle time before the frame pass (UHD's convention: a
USRP sink would send the burst at that time). Bursts that share a slot leave one after the other. A PDU
that is not a burst (no integer stream_id and seq in its meta) is dropped with a warning.
"""

from __future__ import annotations

import threading

import pmt
from gnuradio import gr

from .burst_order import burst_order

TX_TIME = pmt.intern("tx_time")


class air_scheduler(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """PDUs on "in" are held; a double on "release" sends them in air-time order on "out" with tx_time."""

    def __init__(self) -> None:
        gr.basic_block.__init__(self, name="air_scheduler", in_sig=None, out_sig=None)
        self._lock = threading.Lock()
        self._held: list[tuple[tuple[float, int, int], pmt.pmt_base, pmt.pmt_base]] = []
        self._released = 0
        for port, handler in (("in", self._hold), ("release", self._release)):
            self.message_port_register_in(pmt.intern(port))
            self.set_msg_handler(pmt.intern(port), handler)
        self.message_port_register_out(pmt.intern("out"))

    def held(self) -> int:
        with self._lock:
            return len(self._held)

    def released(self) -> int:
        with self._lock:
            return self._released

    def _hold(self, msg: pmt.pmt_base) -> None:
        try:
            if not pmt.is_pair(msg):
                raise ValueError("not a PDU (meta . vector)")
            key = burst_order(pmt.car(msg))
        except ValueError as error:
            self.logger.warn(f"ignored PDU: {error}")
            return
        with self._lock:
            self._held.append((key, pmt.car(msg), pmt.cdr(msg)))

    def _release(self, msg: pmt.pmt_base) -> None:
        start_s = float(pmt.to_double(msg)) if pmt.is_number(msg) else 0.0
        # GNU Radio drains a block's ports one after the other: bursts queued on "in" before this message
        # may not have been handled yet. Take them first, or they would wait for the next release.
        while (pending := self.delete_head_nowait(pmt.intern("in"))) is not None:
            self._hold(pending)
        with self._lock:
            bursts = sorted(self._held, key=lambda held: held[0])
            self._held = []
            self._released += len(bursts)
        for (air_time_s, _, _), meta, vector in bursts:
            meta = pmt.dict_add(meta, TX_TIME, pmt.from_double(start_s + air_time_s))
            self.message_port_pub(pmt.intern("out"), pmt.cons(meta, vector))

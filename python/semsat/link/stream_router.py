"""Symbol PDUs from frames_to_pdu -> one message port per semantic stream, by the meta ``stream`` name.

frames_to_pdu names the stream of every analog frame whose stream id is the codec's; frames of the digital
path (knowledge-base updates, face keyframes, flush packets) have no such name and go nowhere here (the
digital decoder reads them from the demapper's streams). Each semantic_decoder then sees only its stream.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

import pmt
from gnuradio import gr


class stream_router(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """PDU on "in" -> the output port named after its meta ``stream`` (one of ``streams``); others counted."""

    def __init__(self, streams: Sequence[str]) -> None:
        gr.basic_block.__init__(self, name="stream_router", in_sig=None, out_sig=None)
        self.streams = tuple(streams)
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self.message_port_register_in(pmt.intern("in"))
        for stream in self.streams:
            self.message_port_register_out(pmt.intern(stream))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def counts(self) -> dict[str, int]:
        """PDUs routed per stream, and "unrouted" for the rest."""
        with self._lock:
            return dict(self._counts)

    def _handle(self, msg: pmt.pmt_base) -> None:
        name = ""
        if pmt.is_pair(msg) and pmt.is_dict(pmt.car(msg)):
            value = pmt.dict_ref(pmt.car(msg), pmt.intern("stream"), pmt.PMT_NIL)
            name = pmt.symbol_to_string(value) if pmt.is_symbol(value) else ""
        routed = name in self.streams
        with self._lock:
            self._counts[name if routed else "unrouted"] += 1
        if routed:
            self.message_port_pub(pmt.intern(name), msg)

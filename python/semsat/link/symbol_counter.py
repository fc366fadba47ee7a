"""Counts what the transmitter puts on the link: PDUs and channel symbols per stream (the report's
"symbols per clip per stream"), tapped from the semantic encoders' and the digital encoder's outputs."""

from __future__ import annotations

import threading
from collections import Counter

import pmt
from gnuradio import gr


class symbol_counter(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Symbol PDU on "in" -> counted under ``names[stream_id]`` (or the meta ``stream`` name); stream ids
    missing from ``names`` are not counted (flush packets)."""

    def __init__(self, names: dict[int, str]) -> None:
        gr.basic_block.__init__(self, name="symbol_counter", in_sig=None, out_sig=None)
        self.names = dict(names)
        self._lock = threading.Lock()
        self._pdus: Counter[str] = Counter()
        self._symbols: Counter[str] = Counter()
        self._seen = 0
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def seen(self) -> int:
        """Every PDU that arrived, counted or not (what the mapper must have framed)."""
        with self._lock:
            return self._seen

    def pdus(self) -> dict[str, int]:
        with self._lock:
            return dict(self._pdus)

    def symbols(self) -> dict[str, int]:
        with self._lock:
            return dict(self._symbols)

    def _handle(self, msg: pmt.pmt_base) -> None:
        meta, vector = pmt.car(msg), pmt.cdr(msg)
        stream_id = pmt.dict_ref(meta, pmt.intern("stream_id"), pmt.PMT_NIL)
        name = self.names.get(int(pmt.to_long(stream_id))) if pmt.is_integer(stream_id) else None
        with self._lock:
            self._seen += 1
            if name is not None:
                self._pdus[name] += 1
                self._symbols[name] += pmt.length(vector)

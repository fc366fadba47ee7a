"""The receiver's end of a knowledge-base update: digital-path PDUs of KB_UPDATE_STREAM -> the record,
written into the receiver's knowledge base once every packet of it has arrived."""

from __future__ import annotations

import threading
from pathlib import Path

import pmt
from gnuradio import gr

from ..semantic.kb import KnowledgeBase
from .kb_update import PACKET_HEADER, UpdateAssembler
from .link_streams import KB_UPDATE_STREAM


class kb_update_sink(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Byte PDUs on "in" (meta ``stream_id``); other streams are ignored. ``received(update_id)`` lists
    the packet indices that arrived (for retransmission), ``stored()`` the speakers written."""

    def __init__(self, kb_path: str | Path) -> None:
        gr.basic_block.__init__(self, name="kb_update_sink", in_sig=None, out_sig=None)
        self.kb_path = Path(kb_path)
        self._assembler = UpdateAssembler()
        self._lock = threading.Lock()
        self._stored: list[str] = []
        self._errors: list[str] = []
        self._handled = 0
        self.message_port_register_in(pmt.intern("in"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def received(self, update_id: int) -> set[int]:
        with self._lock:
            return set(self._assembler.chunks.get(update_id, {}))

    def handled(self) -> int:
        """PDUs taken so far, of any stream."""
        with self._lock:
            return self._handled

    def stored(self) -> list[str]:
        with self._lock:
            return list(self._stored)

    def errors(self) -> list[str]:
        with self._lock:
            return list(self._errors)

    def _handle(self, msg: pmt.pmt_base) -> None:
        try:
            self._take(msg)
        finally:
            with self._lock:
                self._handled += 1

    def _take(self, msg: pmt.pmt_base) -> None:
        stream_id = pmt.dict_ref(pmt.car(msg), pmt.intern("stream_id"), pmt.PMT_NIL)
        if not pmt.is_integer(stream_id) or pmt.to_long(stream_id) != KB_UPDATE_STREAM:
            return
        packet = bytes(pmt.u8vector_elements(pmt.cdr(msg)))
        try:
            with self._lock:
                record = self._assembler.add(packet)
            if record is None:
                return
            with KnowledgeBase(self.kb_path) as kb:
                kb.put(record)
        except ValueError as e:  # a CRC-valid packet that is not ours, or an update that does not parse
            with self._lock:
                self._errors.append(f"update packet {packet[: PACKET_HEADER.size].hex()}: {e}")
            return
        with self._lock:
            self._stored.append(record.speaker)

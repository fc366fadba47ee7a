"""OFDM demapper outputs -> one symbol PDU per frame, the form semantic_decoder reads.

The demapper emits a frame's equalized symbols on its first output and their noise variances (the CSI) on its
second, with ``rx_len``, ``frame_type``, ``stream_id``, ``seq``, ``snr_db`` and ``cfo`` tags on the frame's
first symbol (docs/phy.md). This block cuts both streams at ``rx_len`` and publishes ``pmt.cons(meta,
c32vector)`` with those tags in the meta, the variances as ``noise_var`` (f32vector) and, when the stream id
is one of the semantic codec's (semantic/codec/streams.py), the stream's name as ``stream``, so a
semantic_decoder of another stream drops the PDU instead of decoding it. The header's ``seq`` is passed on as
it is: for the semantic codec it is window * bursts + burst, and the semantic_decoder gathers the bursts.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr

from .semantic.codec.streams import STREAM_IDS

STREAM_NAMES = {stream_id: name for name, stream_id in STREAM_IDS.items()}
HEADER_TAGS = ("frame_type", "stream_id", "seq", "snr_db", "cfo")


class frames_to_pdu(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Symbols (in0, complex) and noise variances (in1, float) tagged per frame -> symbol PDUs on "pdus".

    A frame cut short by the next frame's tag is dropped and counted (``stats()["truncated"]``); nothing is
    published for it.
    """

    def __init__(self, len_tag_key: str = "rx_len") -> None:
        gr.sync_block.__init__(self, name="frames_to_pdu", in_sig=[np.complex64, np.float32], out_sig=None)
        self._len_key = len_tag_key
        self._symbols: list[npt.NDArray[np.complex64]] = []
        self._variances: list[npt.NDArray[np.float32]] = []
        self._remaining = 0
        self._meta = pmt.make_dict()
        self._lock = threading.Lock()
        self._counts = {"frames": 0, "truncated": 0}
        self.message_port_register_out(pmt.intern("pdus"))

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def work(self, input_items, output_items) -> int:
        symbols, variances = input_items
        n = len(symbols)
        start = self.nitems_read(0)
        frame_starts: dict[int, dict[str, pmt.pmt_base]] = {}
        for tag in self.get_tags_in_window(0, 0, n):
            frame_starts.setdefault(int(tag.offset - start), {})[pmt.symbol_to_string(tag.key)] = tag.value
        starts = sorted(i for i, tags in frame_starts.items() if self._len_key in tags)
        position = 0
        for begin in [*starts, n]:
            self._take(symbols[position:begin], variances[position:begin])
            if begin < n:
                self._open(frame_starts[begin])
            position = begin
        return n

    def _open(self, tags: dict[str, pmt.pmt_base]) -> None:
        if self._remaining > 0:
            self._count("truncated")
        self._symbols, self._variances = [], []
        self._remaining = int(pmt.to_long(tags[self._len_key]))
        meta = pmt.make_dict()
        for key in HEADER_TAGS:
            if key in tags:
                meta = pmt.dict_add(meta, pmt.intern(key), tags[key])
        if "stream_id" in tags and pmt.is_integer(tags["stream_id"]):
            name = STREAM_NAMES.get(int(pmt.to_long(tags["stream_id"])))
            if name is not None:
                meta = pmt.dict_add(meta, pmt.intern("stream"), pmt.intern(name))
        self._meta = meta
        if self._remaining == 0:
            self._publish()

    def _take(self, symbols: npt.NDArray[np.complex64], variances: npt.NDArray[np.float32]) -> None:
        if self._remaining <= 0 or len(symbols) == 0:
            return
        k = min(self._remaining, len(symbols))
        self._symbols.append(np.array(symbols[:k]))
        self._variances.append(np.array(variances[:k]))
        self._remaining -= k
        if self._remaining == 0:
            self._publish()

    def _publish(self) -> None:
        symbols = np.concatenate(self._symbols) if self._symbols else np.zeros(0, np.complex64)
        variances = np.concatenate(self._variances) if self._variances else np.zeros(0, np.float32)
        meta = pmt.dict_add(
            self._meta, pmt.intern("noise_var"), pmt.init_f32vector(len(variances), variances)
        )
        meta = pmt.dict_add(meta, pmt.intern("n_symbols"), pmt.from_long(len(symbols)))
        self.message_port_pub(pmt.intern("pdus"), pmt.cons(meta, pmt.init_c32vector(len(symbols), symbols)))
        self._count("frames")

    def _count(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

"""Semantic transmitter: semantics PDUs of one stream -> temporal semantic codec -> symbol PDUs, each window
time-interleaved over a few bursts (semantic/codec/bursts.py)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr

from .semantic.codec import bursts
from .semantic.codec.budget import face_symbols_per_frame
from .semantic.codec.runtime import StreamCodec
from .semantic.codec.streams import MAX_ITEMS, STREAM_IDS, StreamKind, stream_spec, text_to_ids

SEQ_MODULO = 1 << 16
CODEC_NAME = "semsat-codec-2"  # meta "codec": which wire format the symbols follow (2: face anchored)


def semantics_from_pmt(stream: str, vector: pmt.pmt_base) -> npt.NDArray:
    """The items a semantics PDU carries: face f32vector (12 per frame), text u8vector (UTF-8), phonemes and
    durations any integer vector. ValueError when the vector does not fit the stream."""
    spec = stream_spec(stream)
    if stream == "text":
        if not pmt.is_u8vector(vector):
            raise ValueError("text PDUs carry a u8vector of UTF-8 text")
        return text_to_ids(bytes(pmt.u8vector_elements(vector)).decode("utf-8", errors="replace"))
    if not pmt.is_uniform_vector(vector):
        raise ValueError("not a PDU with a uniform vector")
    values = np.asarray(pmt.to_python(vector))
    if spec.kind is StreamKind.FLOATS:
        if not np.issubdtype(values.dtype, np.floating) and stream == "face":
            raise ValueError("face PDUs carry an f32vector")
        if values.size % spec.width:
            raise ValueError(f"{values.size} values are not whole items of {spec.width}")
        return values.astype(np.float32).reshape(-1, spec.width)
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"{stream} PDUs carry an integer vector")
    return values.astype(np.int64)


class semantic_encoder(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Message block: semantics PDU on "in" -> symbol PDUs on "out", ``n_bursts`` per window (DESIGN.md).

    One block codes one stream ("face", "text", "phonemes" or "durations"). Face PDUs (f32vector, 12 values a
    frame, any number of frames) are cut into windows of ``window_s`` seconds at ``fps``; a token PDU (text
    as UTF-8 bytes, phoneme ids, durations in frames) is one window: the sender groups what was said in it.
    Each window's unit-power symbols are time-interleaved over ``n_bursts`` bursts (fewer when an item has
    fewer symbols: bursts.effective_bursts), one c32vector PDU each, with meta ``stream``, ``stream_id``,
    ``codec``, ``clip``, ``seq`` (window * n_bursts + burst: what the PHY header carries), ``window``,
    ``burst``, ``n_bursts``, ``air_offset_s`` (when the burst should leave, after the window's first:
    bursts spread evenly over the window, so each meets its own fade), ``air_time_s`` (the same on the
    stream's clock: window * window_s + air_offset_s; a scheduler turns it into the PHY's ``tx_time``, after
    which the channel blocks let the idle time between bursts pass), ``mode``, ``n_symbols`` (this
    burst's), ``n_items``, ``symbols_per_item`` and ``first_item``; input meta may set ``clip`` and
    ``mode``. The face is coded relative to ``anchor``, the 12 face parameters of a frame the receiver
    knows too (the KB record's ``reference_params``; empty: the model's default, the training clips' mean);
    the semantic_decoder must be given the same (``set_anchor`` changes it, e.g. after a KB update). The
    budget: ``symbols_per_second`` for face (a multiple of ``fps``), ``symbols_per_item`` for
    the token streams; 0 takes the model's full budget. Malformed PDUs are dropped and counted
    (`dropped()`). The semantic_decoder must be given the same ``n_bursts``.
    """

    def __init__(
        self,
        stream: str = "face",
        window_s: float = 1.0,
        fps: float = 25.0,
        symbols_per_second: float = 0.0,
        symbols_per_item: int = 0,
        mode: str = "v2a",
        models_dir: str = "",
        n_bursts: int = bursts.DEFAULT_BURSTS,
        anchor: Sequence[float] = (),
    ) -> None:
        gr.basic_block.__init__(self, name="semantic_encoder", in_sig=None, out_sig=None)
        spec = stream_spec(stream)
        if not (window_s > 0 and fps > 0):
            raise ValueError(f"window_s and fps must be > 0, got {window_s}, {fps}")
        self.stream = stream
        self.codec = StreamCodec.load(stream, models_dir or None)
        self._anchor = self.codec.anchor_array(list(anchor) or None)
        if stream == "face" and symbols_per_second:
            per_item = face_symbols_per_frame(symbols_per_second, fps)
        else:
            per_item = symbols_per_item or spec.symbols_per_item
        self.symbols_per_item = self.codec.check_budget(per_item)
        self.window_items = max(1, min(int(round(window_s * fps)), MAX_ITEMS))
        self.mode = mode
        self.n_bursts = int(n_bursts)
        bursts.effective_bursts(self.n_bursts, 1)  # ValueError for an impossible count
        self.window_s = float(window_s)
        self._window = 0
        self._lock = threading.Lock()
        self._encoded = 0
        self._dropped = 0
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def set_anchor(self, anchor: Sequence[float]) -> None:
        """The face parameters to code relative to from the next window on (empty: the model's default)."""
        checked = self.codec.anchor_array(list(anchor) or None)
        with self._lock:
            self._anchor = checked

    def bursts_per_window(self) -> int:
        """Symbol PDUs (PHY frames) each window becomes."""
        return bursts.effective_bursts(self.n_bursts, self.symbols_per_item)

    def encoded(self) -> int:
        """Windows encoded so far."""
        with self._lock:
            return self._encoded

    def dropped(self) -> int:
        """Input PDUs dropped as malformed so far."""
        with self._lock:
            return self._dropped

    def _handle(self, msg: pmt.pmt_base) -> None:
        try:
            if not pmt.is_pair(msg) or not (pmt.is_dict(pmt.car(msg)) or pmt.is_null(pmt.car(msg))):
                raise ValueError("not a PDU (pair of meta dict and vector)")
            items = semantics_from_pmt(self.stream, pmt.cdr(msg))
            if len(items) == 0:
                raise ValueError("no items")
            step = self.window_items if self.stream == "face" else MAX_ITEMS
            # Every window is checked before the first is sent: a PDU goes out whole or not at all.
            windows = [self.codec.items_array(items[i : i + step]) for i in range(0, len(items), step)]
            meta_in = pmt.car(msg) if pmt.is_dict(pmt.car(msg)) else pmt.make_dict()
            clip = pmt.dict_ref(meta_in, pmt.intern("clip"), pmt.intern(""))
            mode = pmt.dict_ref(meta_in, pmt.intern("mode"), pmt.intern(self.mode))
        except (ValueError, TypeError) as error:
            with self._lock:
                self._dropped += 1
            self.logger.warn(f"dropped PDU: {error}")
            return
        for index, window in enumerate(windows):
            with self._lock:
                anchor = self._anchor
            symbols = self.codec.encode(window, self.symbols_per_item, anchor)
            with self._lock:
                number = self._window
                self._window = (self._window + 1) % (SEQ_MODULO // self.n_bursts)
                self._encoded += 1
            parts = bursts.split(symbols, self.symbols_per_item, self.n_bursts)
            for burst, part in enumerate(parts):
                fields = {
                    "stream": pmt.intern(self.stream),
                    "stream_id": pmt.from_long(STREAM_IDS[self.stream]),
                    "codec": pmt.intern(CODEC_NAME),
                    "clip": clip,
                    "seq": pmt.from_long(number * self.n_bursts + burst),
                    "window": pmt.from_long(number),
                    "burst": pmt.from_long(burst),
                    "n_bursts": pmt.from_long(self.n_bursts),
                    "air_offset_s": pmt.from_double(burst * self.window_s / len(parts)),
                    "air_time_s": pmt.from_double((number + burst / len(parts)) * self.window_s),
                    "mode": mode,
                    "n_symbols": pmt.from_long(len(part)),
                    "n_items": pmt.from_long(len(window)),
                    "symbols_per_item": pmt.from_long(self.symbols_per_item),
                    "first_item": pmt.from_long(index * step),
                }
                meta = pmt.make_dict()
                for key, value in fields.items():
                    meta = pmt.dict_add(meta, pmt.intern(key), value)
                self.message_port_pub(pmt.intern("out"), pmt.cons(meta, pmt.init_c32vector(len(part), part)))

"""Semantic receiver: symbol PDUs (a window's bursts) + per-symbol noise variance -> bursts gathered into
windows -> codec decoder -> semantics PDUs, with the windows of lost PDUs concealed and marked."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr

from .semantic.codec import bursts
from .semantic.codec.reassembly import BurstGatherer, BurstRefused
from .semantic.codec.runtime import StreamCodec
from .semantic.codec.streams import ids_to_text

SEQ_MODULO = 1 << 16
CONCEAL_MODES = ("interpolate", "hold")
DROP_REASONS = ("not_pdu", "wrong_stream", "no_noise_var", "bad_length", "bad_burst")


def semantics_to_pmt(stream: str, items: npt.NDArray) -> pmt.pmt_base:
    """Face f32vector (12 per frame), text u8vector (UTF-8), phonemes and durations s32vector."""
    if stream == "face":
        values = np.asarray(items, dtype=np.float32).reshape(-1)
        return pmt.init_f32vector(len(values), values)
    if stream == "text":
        data = ids_to_text(items).encode("utf-8")
        return pmt.init_u8vector(len(data), list(data))
    values = np.asarray(items, dtype=np.int32).reshape(-1)
    return pmt.init_s32vector(len(values), values)


def _meta_int(meta: pmt.pmt_base, key: str) -> int | None:
    value = pmt.dict_ref(meta, pmt.intern(key), pmt.PMT_NIL)
    return int(pmt.to_long(value)) if pmt.is_integer(value) else None


class semantic_decoder(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Message block: symbol PDUs on "in" (a window's bursts) -> semantics PDU on "out", one per window.

    The input is what semantic_encoder sends after the channel: c32vectors of received (equalized) symbols
    with meta ``seq`` (window * n_bursts + burst, as the PHY header carries it), ``symbols_per_item``
    (optional) and the receiver's noise variance ``noise_var``, an f32vector with one variance per symbol
    (the OFDM demapper's CSI) or one number for all; ``snr_db`` (Es/N0) is taken when there is no
    ``noise_var``. Non-finite symbols count as not received. ``n_bursts`` must be the encoder's. A window is
    decoded when all its bursts are in, or when a burst of a later window arrives: its lost bursts are read
    as not received (so a window whose last burst is lost goes out one window late). A PDU without ``seq``
    is one whole, not interleaved, window. The output carries the stream's semantics (see
    `semantics_to_pmt`) with meta ``stream``, ``seq`` (the window number), ``clip``, ``mode``, ``n_items``,
    ``lost_bursts`` and ``concealed``. When the window number jumps by up to ``max_gap``, each missing
    window is sent first, concealed: face frames interpolated between the last frame received and the
    first of the new window ("interpolate") or the last frame held ("hold"), ``n_items`` of the last
    window; token streams an empty vector. ``anchor``: the face parameters the encoder codes relative to
    (its ``anchor``; empty: the model's default). PDUs that cannot be decoded are dropped and counted
    (`stats()`).
    """

    def __init__(
        self,
        stream: str = "face",
        conceal: str = "interpolate",
        max_gap: int = 16,
        models_dir: str = "",
        n_bursts: int = bursts.DEFAULT_BURSTS,
        anchor: Sequence[float] = (),
    ) -> None:
        gr.basic_block.__init__(self, name="semantic_decoder", in_sig=None, out_sig=None)
        if conceal not in CONCEAL_MODES:
            raise ValueError(f"conceal must be one of {CONCEAL_MODES}, got {conceal!r}")
        if max_gap < 0:
            raise ValueError(f"max_gap must be >= 0, got {max_gap}")
        self.stream = stream
        self.conceal = conceal
        self.max_gap = int(max_gap)
        self.codec = StreamCodec.load(stream, models_dir or None)
        self._anchor = self.codec.anchor_array(list(anchor) or None)
        self.n_bursts = int(n_bursts)
        bursts.effective_bursts(self.n_bursts, 1)  # ValueError for an impossible count
        self.window_modulo = SEQ_MODULO // self.n_bursts
        self._gatherer = BurstGatherer(self.n_bursts, self.window_modulo)
        self._last_seq: int | None = None
        self._last_items = 0
        self._last_frame: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(("received", "decoded", "concealed", "lost_bursts", *DROP_REASONS), 0)
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def set_anchor(self, anchor: Sequence[float]) -> None:
        """The face parameters to code relative to from the next window on (empty: the model's default)."""
        checked = self.codec.anchor_array(list(anchor) or None)
        with self._lock:
            self._anchor = checked

    def stats(self) -> dict[str, int]:
        """Counters: symbol PDUs received, windows decoded, windows concealed, bursts lost in decoded
        windows, PDUs dropped per reason (DROP_REASONS)."""
        with self._lock:
            return dict(self._counts)

    def _count(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def _drop(self, reason: str, why: str) -> None:
        self._count(reason)
        self.logger.warn(f"dropped symbol PDU: {why}")

    def _handle(self, msg: pmt.pmt_base) -> None:
        self._count("received")
        if not pmt.is_pair(msg) or not pmt.is_c32vector(pmt.cdr(msg)) or not pmt.is_dict(pmt.car(msg)):
            self._drop("not_pdu", "not a pair of meta dict and c32vector")
            return
        meta = pmt.car(msg)
        stream = pmt.dict_ref(meta, pmt.intern("stream"), pmt.PMT_NIL)
        if pmt.is_symbol(stream) and pmt.symbol_to_string(stream) != self.stream:
            self._drop(
                "wrong_stream", f"stream {pmt.symbol_to_string(stream)}, this decoder is {self.stream}"
            )
            return
        symbols = np.asarray(pmt.c32vector_elements(pmt.cdr(msg)), dtype=np.complex64)
        noise_var = self._noise_var(meta, len(symbols))
        if noise_var is None:
            self._drop("no_noise_var", "meta has neither a fitting noise_var nor snr_db")
            return
        per_item = _meta_int(meta, "symbols_per_item") or self.codec.spec.symbols_per_item
        seq = _meta_int(meta, "seq")
        if seq is None:
            self._decode(meta, None, symbols, noise_var, per_item, lost_bursts=0)
            return
        window, burst = divmod(seq % SEQ_MODULO, self.n_bursts)
        try:
            ready = self._gatherer.add(window, burst, symbols, noise_var, per_item, meta)
        except BurstRefused as error:
            self._drop("bad_burst", str(error))
            return
        for gathered in ready:
            window_symbols, window_var = gathered.symbols(self.n_bursts)
            lost = gathered.lost_bursts(self.n_bursts)
            self._decode(gathered.meta, gathered.window, window_symbols, window_var, gathered.per_item, lost)

    def _decode(
        self,
        meta: pmt.pmt_base,
        seq: int | None,
        symbols: npt.NDArray[np.complex64],
        noise_var: npt.NDArray[np.float32],
        per_item: int,
        lost_bursts: int,
    ) -> None:
        """Decodes one window, sends the concealed windows before it when some were lost, then it."""
        try:
            with self._lock:
                anchor = self._anchor
            items = self.codec.decode(symbols, noise_var, per_item, anchor)
        except ValueError as error:
            self._drop("bad_length", str(error))
            return
        if seq is not None and self._last_seq is not None:
            gap = (seq - self._last_seq - 1) % self.window_modulo
            if 0 < gap <= self.max_gap:
                self._conceal(meta, gap, items)
        self._publish(meta, seq, items, concealed=False, lost_bursts=lost_bursts)
        with self._lock:
            self._counts["decoded"] += 1
            self._counts["lost_bursts"] += lost_bursts
        if seq is not None:
            self._last_seq = seq
        self._last_items = len(items)
        if self.stream == "face":
            self._last_frame = items[-1]

    @staticmethod
    def _noise_var(meta: pmt.pmt_base, n: int) -> npt.NDArray[np.float32] | None:
        value = pmt.dict_ref(meta, pmt.intern("noise_var"), pmt.PMT_NIL)
        if pmt.is_f32vector(value):
            variances = np.asarray(pmt.f32vector_elements(value), dtype=np.float32)
            return variances if len(variances) == n else None
        if pmt.is_number(value) and not pmt.is_complex(value):
            return np.full(n, pmt.to_double(value), dtype=np.float32)
        snr_db = pmt.dict_ref(meta, pmt.intern("snr_db"), pmt.PMT_NIL)
        if pmt.is_number(snr_db) and not pmt.is_complex(snr_db):
            return np.full(n, 10.0 ** (-pmt.to_double(snr_db) / 10.0), dtype=np.float32)
        return None

    def _conceal(self, meta: pmt.pmt_base, gap: int, following: npt.NDArray) -> None:
        """Sends the ``gap`` windows before ``following`` (the window just decoded), marked concealed."""
        assert self._last_seq is not None
        if self.stream == "face" and self._last_frame is not None:
            per_window = self._last_items
            missing = gap * per_window
            if self.conceal == "interpolate":
                weights = (np.arange(1, missing + 1) / (missing + 1))[:, None]
                frames = self._last_frame + weights * (following[0] - self._last_frame)
            else:
                frames = np.repeat(self._last_frame[None], missing, axis=0)
            windows = [frames[i * per_window : (i + 1) * per_window] for i in range(gap)]
        else:
            # Nothing sensible stands in for lost words or phones: the receiver sees an empty, marked window.
            windows = [np.zeros(0, dtype=np.int64)] * gap
        for i, window in enumerate(windows):
            self._publish(meta, (self._last_seq + 1 + i) % self.window_modulo, window, concealed=True)
            self._count("concealed")

    def _publish(
        self,
        meta_in: pmt.pmt_base,
        seq: int | None,
        items: npt.NDArray,
        concealed: bool,
        lost_bursts: int = 0,
    ) -> None:
        meta = pmt.make_dict()
        for key in ("clip", "mode"):
            if pmt.dict_has_key(meta_in, pmt.intern(key)):
                meta = pmt.dict_add(
                    meta, pmt.intern(key), pmt.dict_ref(meta_in, pmt.intern(key), pmt.PMT_NIL)
                )
        meta = pmt.dict_add(meta, pmt.intern("stream"), pmt.intern(self.stream))
        if seq is not None:
            meta = pmt.dict_add(meta, pmt.intern("seq"), pmt.from_long(seq))
        meta = pmt.dict_add(meta, pmt.intern("n_items"), pmt.from_long(len(items)))
        meta = pmt.dict_add(meta, pmt.intern("lost_bursts"), pmt.from_long(lost_bursts))
        meta = pmt.dict_add(meta, pmt.intern("concealed"), pmt.from_bool(concealed))
        self.message_port_pub(pmt.intern("out"), pmt.cons(meta, semantics_to_pmt(self.stream, items)))

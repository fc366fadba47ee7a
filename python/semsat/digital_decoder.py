"""Digital path receiver: equalised symbols + noise variance -> max-log LLRs -> LDPC BP -> CRC -> bytes."""

from __future__ import annotations

import math
import threading
from collections import defaultdict

import numpy as np
import pmt
from gnuradio import gr

from .phy import packet_bursts
from .phy.burst_gatherer import GatheredPacket, PacketGatherer
from .phy.digital_codec import DigitalCodec
from .phy.framing import MAX_PAYLOAD_BYTES, Layout
from .phy.ldpc import DEFAULT_CODE
from .phy.qam import BITS_PER_SYMBOL, FrameType, frame_type_of

# Drop reasons, in the order the stats list them. "not_digital" frames (frame_type 0, analog) are not
# errors: they belong to the semantic decoder and are only counted.
DROP_REASONS = ("crc", "bad_length", "bad_symbols", "truncated", "bad_frame_type", "not_digital")
_META_TAGS = ("frame_type", "stream_id", "seq", "snr_db")


def _tag_value(value: pmt.pmt_base) -> object:
    """The tag's value as Python, or None for a PMT type Python has no plain counterpart for."""
    try:
        return pmt.to_python(value)
    except (ValueError, TypeError):
        return None


def _int_tag(tags: dict[str, object], key: str) -> int:
    """An integer header tag, or -1 (no burst has it) when absent or not an integer."""
    value = tags.get(key)
    return int(value) if isinstance(value, int | np.integer) else -1


class _Frame:
    """Symbols and noise variances of one frame as they arrive, with the tags of its first symbol."""

    def __init__(self, length: int, tags: dict[str, object]) -> None:
        self.symbols = np.empty(length, dtype=np.complex64)
        self.noise_var = np.empty(length, dtype=np.float32)
        self.filled = 0
        self.tags = tags

    def append(self, symbols: np.ndarray, noise_var: np.ndarray) -> int:
        take = min(len(symbols), len(self.symbols) - self.filled)
        self.symbols[self.filled : self.filled + take] = symbols[:take]
        self.noise_var[self.filled : self.filled + take] = noise_var[:take]
        self.filled += take
        return take

    @property
    def complete(self) -> bool:
        return self.filled == len(self.symbols)


class digital_decoder(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Tagged symbols (in0) and their noise variance N0 (in1) -> byte PDUs on "out" that passed the CRC.

    A frame starts at a `rx_len` tag (the length tag key) and holds that many symbols; the tags at its first
    symbol may give `frame_type` (1 QPSK, 2 16QAM, 3 64QAM; it overrides the block's modulation, 0 analog is
    skipped), `stream_id`, `seq` and `snr_db`, which the output PDU's meta carries, with `rx_len` and the
    mean LDPC iterations. Frames whose CRC fails, whose length no packet has, with non-finite symbols or
    variances, cut short by the next frame, or of an unknown type are dropped and counted: after each
    frame a dict of counters goes out on "stats" (also `stats()`). Symbols outside frames are ignored.
    `codec`: a DigitalCodec to use instead of building one from `code`, `max_iterations` and `interleaving`
    (building reads the alist: about 0.3 s, which repeated flowgraph runs can share; one decoder at a time).

    `n_bursts` > 1 (the encoder's): each frame is one burst of a packet (phy/packet_bursts.py); the bursts are
    gathered by (stream_id, packet) and a packet decodes when all are in, or with its missing bursts as
    erasures once, in air order, none of them can come any more (phy/burst_gatherer.py). "frames",
    "decoded" and the drop reasons then count packets (and frames dropped before they could join one:
    bad_length, truncated, bad_frame_type, not_digital); "bursts" counts the frames that reached the
    decoder and "lost_bursts" the bursts that packets were decoded without. The output meta's seq is the
    packet's (the encoder's input seq), rx_len its symbol count, "bursts" how many of its bursts arrived
    and snr_db that of the first of them.
    """

    def __init__(
        self,
        modulation: str | int = "qpsk",
        code: str = DEFAULT_CODE,
        interleaving: bool = True,
        max_iterations: int = 50,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
        len_tag_key: str = "rx_len",
        codec: DigitalCodec | None = None,
        n_bursts: int = 1,
    ) -> None:
        gr.sync_block.__init__(self, name="digital_decoder", in_sig=[np.complex64, np.float32], out_sig=None)
        packet_bursts.check_n_bursts(n_bursts)
        self.n_bursts = int(n_bursts)
        self._gatherer = PacketGatherer(self.n_bursts) if self.n_bursts > 1 else None
        self.frame_type = frame_type_of(modulation)
        self.codec = codec if codec is not None else DigitalCodec(code, max_iterations, interleaving)
        # The longest frame any modulation makes for the largest payload: longer rx_len values are bad.
        self._max_symbols = Layout.for_payload(
            max_payload_bytes, self.codec.code.n, self.codec.code.k, min(BITS_PER_SYMBOL.values())
        ).symbols
        self._len_tag_key = len_tag_key
        self._frame: _Frame | None = None
        self._lock = threading.Lock()
        burst_counts = ("bursts", "lost_bursts") if self.n_bursts > 1 else ()
        self._counts = dict.fromkeys(("frames", "decoded", *DROP_REASONS, *burst_counts), 0)
        self.message_port_register_out(pmt.intern("out"))
        self.message_port_register_out(pmt.intern("stats"))

    def stats(self) -> dict[str, int]:
        """Counters: frames (packets) seen, decoded, and dropped per reason (DROP_REASONS); with n_bursts > 1
        also bursts received and bursts lost in the packets decoded or dropped."""
        with self._lock:
            return dict(self._counts)

    def frames_decoded(self) -> int:
        with self._lock:
            return self._counts["decoded"]

    def frames_dropped(self) -> int:
        """Frames dropped for any reason other than being analog."""
        with self._lock:
            return sum(self._counts[r] for r in DROP_REASONS if r != "not_digital")

    def work(self, input_items: list[np.ndarray], output_items: list[np.ndarray]) -> int:
        symbols, noise_var = input_items
        n = len(symbols)
        base = self.nitems_read(0)
        tags_at: dict[int, dict[str, object]] = defaultdict(dict)
        for tag in self.get_tags_in_window(0, 0, n):
            tags_at[tag.offset - base][pmt.symbol_to_string(tag.key)] = _tag_value(tag.value)
        starts = sorted(offset for offset, tags in tags_at.items() if self._len_tag_key in tags)
        position = 0
        for start in [*starts, n]:
            self._fill(symbols[position:start], noise_var[position:start])
            if start < n:
                self._start(tags_at[start])
            position = start
        return n

    def _start(self, tags: dict[str, object]) -> None:
        if self._gatherer is not None:
            with self._lock:
                self._counts["bursts"] += 1
        if self._frame is not None:
            self._count("truncated")
        self._frame = None
        length = tags[self._len_tag_key]
        if not isinstance(length, int | np.integer) or not 0 < length <= self._max_symbols:
            self._count("bad_length")
            return
        self._frame = _Frame(int(length), tags)

    def _fill(self, symbols: np.ndarray, noise_var: np.ndarray) -> None:
        if self._frame is None or not len(symbols):
            return
        self._frame.append(symbols, noise_var)
        if self._frame.complete:
            frame, self._frame = self._frame, None
            self._decode(frame)

    def _decode(self, frame: _Frame) -> None:
        try:
            frame_type = frame_type_of(frame.tags.get("frame_type", int(self.frame_type)))
        except (ValueError, TypeError):
            analog = frame.tags.get("frame_type") == FrameType.ANALOG
            self._count("not_digital" if analog else "bad_frame_type")
            return
        if self._gatherer is None:
            self._decode_packet(frame.symbols, frame.noise_var, frame_type, frame.tags)
            return
        ready, refused = self._gatherer.add(
            _int_tag(frame.tags, "stream_id"),
            _int_tag(frame.tags, "seq"),
            int(frame_type),
            frame.symbols,
            frame.noise_var,
            frame.tags,
        )
        for packet in ready:
            self._decode_gathered(packet)
        if refused is not None:
            self.logger.debug(f"burst dropped: {refused}")
            self._count("bad_length")

    def _decode_gathered(self, packet: GatheredPacket) -> None:
        with self._lock:
            self._counts["lost_bursts"] += packet.lost_bursts(self.n_bursts)
        symbols, noise_var = packet.merged(self.n_bursts)
        tags = {**packet.tags, "seq": packet.packet}
        self._decode_packet(symbols, noise_var, frame_type_of(packet.frame_type), tags, len(packet.received))

    def _decode_packet(
        self,
        symbols: np.ndarray,
        noise_var: np.ndarray,
        frame_type: FrameType,
        tags: dict[str, object],
        bursts_received: int | None = None,
    ) -> None:
        decoded = self.codec.decode(symbols, noise_var, frame_type)
        if decoded.payload is None:
            self._count(decoded.reason)
            return
        meta = pmt.make_dict()
        fields = {key: tags[key] for key in _META_TAGS if key in tags}
        fields.update(frame_type=int(frame_type), rx_len=len(symbols), ldpc_iterations=decoded.iterations)
        if bursts_received is not None:
            fields["bursts"] = bursts_received
        for key, value in fields.items():
            if isinstance(value, float) and not math.isfinite(value):
                continue
            meta = pmt.dict_add(meta, pmt.intern(key), pmt.to_pmt(value))
        payload = decoded.payload
        self.message_port_pub(
            pmt.intern("out"), pmt.cons(meta, pmt.init_u8vector(len(payload), list(payload)))
        )
        self._count("decoded")

    def _count(self, outcome: str) -> None:
        with self._lock:
            self._counts["frames"] += 1
            self._counts[outcome] += 1
            counts = dict(self._counts)
        stats = pmt.make_dict()
        for key, value in counts.items():
            stats = pmt.dict_add(stats, pmt.intern(key), pmt.from_long(value))
        self.message_port_pub(pmt.intern("stats"), stats)

"""Digital path transmitter: byte PDUs -> CRC-32 + LDPC + interleaving + Gray QAM (+ time interleaving over
bursts) -> tagged symbol stream."""

from __future__ import annotations

import math
import threading

import pmt
from gnuradio import gr, pdu

from .air_scheduler import air_scheduler
from .phy import packet_bursts
from .phy.digital_codec import DigitalCodec
from .phy.framing import MAX_PAYLOAD_BYTES
from .phy.ldpc import DEFAULT_CODE
from .phy.qam import FrameType, frame_type_of


class digital_pdu_encoder(gr.basic_block):  # noqa: N801 (GNU Radio block naming)
    """Message block: byte PDU on "in" -> symbol PDU (c32vector, meta frame_type/stream_id/seq) on "out".

    The input meta dict may set "frame_type" (1 QPSK, 2 16QAM, 3 64QAM, or a name such as "16qam") to pick
    the modulation of that packet, "stream_id" (0-255) and "seq" (0..65536 // n_bursts² - 1); missing ones
    come from the block's modulation, its stream_id and a running sequence counter. A PDU that is not a
    u8vector of 1..max_payload_bytes bytes, or has out-of-range meta, is dropped and counted (`dropped()`).
    `n_bursts` > 1 time-interleaves each packet over that many PDUs (phy/packet_bursts.py: symbol j in burst
    j mod n, the header seq (packet * n + N mod n) * n + burst), with meta "burst", "n_bursts" and
    "air_time_s" = the input meta's air_time_s (if any, else 0) + burst * `burst_spacing_s`: an
    air_scheduler sends them at those times, so that each burst meets its own fade (input air times on a
    grid of n_bursts * burst_spacing_s, as digital_decoder's gathering assumes). With n_bursts 1 a packet
    is one PDU with its own seq.
    `codec`: a DigitalCodec to use instead of building one from `code` and `interleaving` (building one
    reads the alist and prepares gr-fec's coder: about 0.3 s, which repeated flowgraph runs can share).
    """

    def __init__(
        self,
        modulation: str | int = "qpsk",
        code: str = DEFAULT_CODE,
        interleaving: bool = True,
        stream_id: int = 0,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
        codec: DigitalCodec | None = None,
        n_bursts: int = 1,
        burst_spacing_s: float = 0.25,
    ) -> None:
        gr.basic_block.__init__(self, name="digital_pdu_encoder", in_sig=None, out_sig=None)
        packet_bursts.check_n_bursts(n_bursts)
        if not burst_spacing_s >= 0.0:
            raise ValueError(f"burst_spacing_s must be >= 0, got {burst_spacing_s}")
        if not 0 <= stream_id <= 255:
            raise ValueError(f"stream_id must be 0..255, got {stream_id}")
        if not 1 <= max_payload_bytes <= MAX_PAYLOAD_BYTES:
            raise ValueError(f"max_payload_bytes must be 1..{MAX_PAYLOAD_BYTES}, got {max_payload_bytes}")
        self.frame_type = frame_type_of(modulation)
        self.codec = codec if codec is not None else DigitalCodec(code, interleaving=interleaving)
        self.stream_id = int(stream_id)
        self.max_payload_bytes = int(max_payload_bytes)
        self.n_bursts = int(n_bursts)
        self.burst_spacing_s = float(burst_spacing_s)
        self._seq_modulo = packet_bursts.packet_seq_modulo(self.n_bursts)
        self._seq = 0
        self._lock = threading.Lock()
        self._encoded = 0
        self._dropped = 0
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_out(pmt.intern("out"))
        self.set_msg_handler(pmt.intern("in"), self._handle)

    def encoded(self) -> int:
        with self._lock:
            return self._encoded

    def dropped(self) -> int:
        with self._lock:
            return self._dropped

    def _handle(self, msg: pmt.pmt_base) -> None:
        try:
            payload, frame_type, stream_id, seq, air_time_s = self._parse(msg)
        except (ValueError, TypeError) as error:
            with self._lock:
                self._dropped += 1
            self.logger.warn(f"dropped PDU: {error}")
            return
        symbols = self.codec.encode(payload, frame_type)
        with self._lock:
            self._encoded += 1
        if self.n_bursts == 1:
            self._publish(symbols, {"frame_type": int(frame_type), "stream_id": stream_id, "seq": seq})
            return
        for burst, burst_symbols in enumerate(packet_bursts.split(symbols, self.n_bursts)):
            fields = {
                "frame_type": int(frame_type),
                "stream_id": stream_id,
                "seq": packet_bursts.burst_seq(seq, len(symbols), burst, self.n_bursts),
                "burst": burst,
                "n_bursts": self.n_bursts,
            }
            self._publish(burst_symbols, fields, air_time_s=air_time_s + burst * self.burst_spacing_s)

    def _publish(self, symbols, fields: dict[str, int], air_time_s: float | None = None) -> None:
        meta = pmt.make_dict()
        for key, value in fields.items():
            meta = pmt.dict_add(meta, pmt.intern(key), pmt.from_long(value))
        if air_time_s is not None:
            meta = pmt.dict_add(meta, pmt.intern("air_time_s"), pmt.from_double(air_time_s))
        self.message_port_pub(pmt.intern("out"), pmt.cons(meta, pmt.init_c32vector(len(symbols), symbols)))

    def _parse(self, msg: pmt.pmt_base) -> tuple[bytes, FrameType, int, int, float]:
        if not pmt.is_pair(msg) or not pmt.is_u8vector(pmt.cdr(msg)):
            raise ValueError("not a PDU of bytes (pair of meta dict and u8vector)")
        payload = bytes(pmt.u8vector_elements(pmt.cdr(msg)))
        if not 1 <= len(payload) <= self.max_payload_bytes:
            raise ValueError(f"payload of {len(payload)} bytes, not 1..{self.max_payload_bytes}")
        meta = pmt.car(msg)
        if not (pmt.is_dict(meta) or pmt.is_null(meta)):
            raise ValueError("meta is not a dict")
        frame_type = self.frame_type
        if pmt.is_dict(meta) and pmt.dict_has_key(meta, pmt.intern("frame_type")):
            frame_type = frame_type_of(
                pmt.to_python(pmt.dict_ref(meta, pmt.intern("frame_type"), pmt.PMT_NIL))
            )
        stream_id = self._meta_int(meta, "stream_id", self.stream_id, 255)
        air_time_s = 0.0
        if self.n_bursts > 1 and pmt.is_dict(meta) and pmt.dict_has_key(meta, pmt.intern("air_time_s")):
            value = pmt.dict_ref(meta, pmt.intern("air_time_s"), pmt.PMT_NIL)
            if not pmt.is_number(value) or pmt.is_complex(value) or not math.isfinite(pmt.to_double(value)):
                raise ValueError(f"meta air_time_s must be a finite number, got {value}")
            air_time_s = float(pmt.to_double(value))
        with self._lock:
            seq = self._meta_int(meta, "seq", self._seq, self._seq_modulo - 1)
            self._seq = (seq + 1) % self._seq_modulo
        return payload, frame_type, stream_id, seq, air_time_s

    @staticmethod
    def _meta_int(meta: pmt.pmt_base, key: str, default: int, maximum: int) -> int:
        if not pmt.is_dict(meta) or not pmt.dict_has_key(meta, pmt.intern(key)):
            return default
        value = pmt.dict_ref(meta, pmt.intern(key), pmt.PMT_NIL)
        if not pmt.is_integer(value) or not 0 <= pmt.to_long(value) <= maximum:
            raise ValueError(f"meta {key} must be an integer 0..{maximum}, got {value}")
        return int(pmt.to_long(value))


class digital_encoder(gr.hier_block2):  # noqa: N801 (GNU Radio block naming)
    """Byte PDUs on message port "in" -> tagged stream of QAM symbols, ready for the OFDM mapper.

    Each packet becomes `packet_len` symbols tagged at its first symbol with `packet_len` (the length tag
    key), `frame_type`, `stream_id` and `seq`. The same symbols also leave as PDUs on "symbols" (meta with
    those three keys). Inside: digital_pdu_encoder (CRC-32, LDPC, interleaving, QAM) and GNU Radio's
    pdu_to_tagged_stream, so the stream waits for PDUs without spinning. `codec`: as in digital_pdu_encoder.
    With `n_bursts` > 1 each packet leaves as n bursts (digital_pdu_encoder), held in an air_scheduler
    until a double (the start time in s) arrives on "release": then they stream in air-time order, each
    tagged tx_time = start + burst * `burst_spacing_s`, which the OFDM mapper and the channel blocks (or a
    USRP sink) honour. The "symbols" port then carries the bursts as encoded, before scheduling.
    """

    def __init__(
        self,
        modulation: str | int = "qpsk",
        code: str = DEFAULT_CODE,
        interleaving: bool = True,
        stream_id: int = 0,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
        len_tag_key: str = "packet_len",
        codec: DigitalCodec | None = None,
        n_bursts: int = 1,
        burst_spacing_s: float = 0.25,
    ) -> None:
        gr.hier_block2.__init__(
            self, "digital_encoder", gr.io_signature(0, 0, 0), gr.io_signature(1, 1, gr.sizeof_gr_complex)
        )
        self.message_port_register_hier_in("in")
        self.message_port_register_hier_out("symbols")
        self.message_port_register_hier_in("release")
        self.pdu_encoder = digital_pdu_encoder(
            modulation, code, interleaving, stream_id, max_payload_bytes, codec, n_bursts, burst_spacing_s
        )
        self._to_stream = pdu.pdu_to_tagged_stream(gr.types.complex_t, len_tag_key)
        self.msg_connect(self, "in", self.pdu_encoder, "in")
        if n_bursts > 1:
            self.scheduler = air_scheduler()
            self.msg_connect(self.pdu_encoder, "out", self.scheduler, "in")
            self.msg_connect(self, "release", self.scheduler, "release")
            self.msg_connect(self.scheduler, "out", self._to_stream, "pdus")
        else:
            self.msg_connect(self.pdu_encoder, "out", self._to_stream, "pdus")
        self.msg_connect(self.pdu_encoder, "out", self, "symbols")
        self.connect(self._to_stream, self)

    def encoded(self) -> int:
        """Packets encoded so far."""
        return self.pdu_encoder.encoded()

    def dropped(self) -> int:
        """Input PDUs dropped as malformed so far."""
        return self.pdu_encoder.dropped()

    def symbols_for(self, payload_bytes: int, modulation: str | int | None = None) -> int:
        """Symbols a packet of `payload_bytes` bytes takes (with this block's modulation unless given)."""
        frame_type = self.pdu_encoder.frame_type if modulation is None else frame_type_of(modulation)
        return self.pdu_encoder.codec.layout(payload_bytes, frame_type).symbols

"""One clip over the whole simulated satellite link, as ONE GNU Radio flowgraph:

  semantic_encoder (one per stream) → air_scheduler (bursts at their air times: tx_time tags) ─┐
  digital_pdu_encoder (KB update, face keyframes; CRC + LDPC + QPSK) ─┤→ pdu_to_tagged_stream
  → ofdm_mapper → doppler_cc (the pass's bulk Doppler) → ntn_tdl_channel_cc (uplink)
  → ntn_tdl_channel_cc (downlink, with the slant-range delay) → doppler_cc (pre-compensation from the
  ephemeris) → ofdm_demapper
  → frames_to_pdu → stream_router → semantic_decoder (one per stream) ─┐
  → digital_decoder → kb_update_sink (receiver KB) / face keyframes ───┴→ semantics_to_wire
  → zeromq.pub_msg_sink

SNR: ``snr_db`` is the end-to-end Es/N0 per data subcarrier (docs/phy.md). A transparent satellite adds the
uplink's noise to the downlink's, so the two channels share it: the uplink gets ``UPLINK_MARGIN_DB`` more
and the downlink what is left (1/snr = 1/snr_up + 1/snr_down). Each has its own fading realisation.

The encoders' stream waits for PDUs and never ends, so a run is driven from here (as ofdm_coded_link does):
post the PDUs, then flush packets until the demapper has read past the last payload frame (channel latency
and look-ahead included), wait until the receiver is quiet, retransmit the digital packets that did not
arrive (KB-update packets and A2V's keyframe packet; up to ``ARQ_ROUNDS``, as a HARQ/ARQ would on a LEO link
whose round trip of tens of ms is short beside a clip; the acknowledgements are read from the receiver's
state, the return channel itself is not simulated; every retransmitted symbol is counted), then "finish":
the whole-clip streams and the end-of-clip message go to the reconstruction process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr, pdu, semsat, zeromq

from ..air_scheduler import air_scheduler
from ..digital_decoder import digital_decoder
from ..digital_encoder import digital_pdu_encoder
from ..frames_to_pdu import frames_to_pdu
from ..ofdm_coded_link import FLUSH_BYTES, FLUSH_STREAM, shared_codec
from ..ofdm_link import DEFAULT, Numerology
from ..semantic.codec.streams import MAX_ITEMS, stream_spec
from ..semantic_decoder import semantic_decoder
from ..semantic_encoder import semantic_encoder, semantics_from_pmt
from .geometry import LinkGeometry
from .kb_update_sink import kb_update_sink
from .link_streams import COUNTED, KB_UPDATE_STREAM, KEYFRAME_STREAM
from .semantics_to_wire import SUBSCRIBER_JOIN_S, ClipContext, semantics_to_wire
from .stream_router import stream_router
from .symbol_counter import symbol_counter

SUBCARRIER_SPACING_HZ = 30e3
UPLINK_MARGIN_DB = 10.0
DELAY_SPREAD_S = 100e-9
UE_SPEED_KMH = 3.0
ARQ_ROUNDS = 4
POLL_S = 0.005
QUIET_POLLS = 4


@dataclass(frozen=True)
class ChannelConfig:
    model: str  # "A".."D"
    snr_db: float  # end-to-end Es/N0 per data subcarrier
    seed: int
    geometry: LinkGeometry
    numerology: Numerology = DEFAULT

    @property
    def samp_rate(self) -> float:
        return SUBCARRIER_SPACING_HZ * self.numerology.fft_len

    def link_snrs_db(self) -> tuple[float, float]:
        """(uplink, downlink) Es/N0 whose noises add up to ``snr_db``."""
        up = self.snr_db + UPLINK_MARGIN_DB
        down = -10 * math.log10(10 ** (-self.snr_db / 10) - 10 ** (-up / 10))
        return up, down


@dataclass
class Transmission:
    """What the sender posts: semantics PDUs per stream, digital packets (stream id, payload bytes)."""

    semantics: dict[str, list[pmt.pmt_base]]
    kb_packets: list[bytes] = field(default_factory=list)
    keyframes: bytes | None = None
    update_id: int = 0
    # The face codec's anchor: the reference parameters of the speaker's KB record, which both ends hold
    # (the receiver once the update is delivered); None: the model's default.
    face_anchor: npt.NDArray[np.float32] | None = None


@dataclass
class LinkRun:
    seconds: float
    pdus: dict[str, int]
    symbols: dict[str, int]
    retransmitted_packets: int
    kb_update_delivered: bool | None  # None: no update sent
    kb_errors: list[str]
    demapper: dict[str, int]
    decoders: dict[str, dict[str, int]]
    digital: dict[str, int]
    wire: dict[str, int]
    repairs: dict[str, int]
    text_received: str


def _pdu(payload: bytes, stream_id: int, seq: int) -> pmt.pmt_base:
    meta = pmt.dict_add(pmt.make_dict(), pmt.intern("stream_id"), pmt.from_long(stream_id))
    meta = pmt.dict_add(meta, pmt.intern("seq"), pmt.from_long(seq % 65536))
    return pmt.cons(meta, pmt.init_u8vector(len(payload), list(payload)))


def channel_blocks(cfg: ChannelConfig) -> list[gr.basic_block]:
    """The satellite chain between the OFDM mapper and demapper: the pass's bulk Doppler, the uplink and
    downlink NTN-TDL channels (the downlink with the slant-range delay), the terminal's pre-compensation."""
    g = cfg.geometry
    up_db, down_db = cfg.link_snrs_db()
    return [
        semsat.doppler_cc(cfg.samp_rate, g.doppler_times_s, g.doppler_hz, 0.0, False),
        _tdl(cfg, up_db, 2 * cfg.seed + 1, 0.0),
        _tdl(cfg, down_db, 2 * cfg.seed + 2, g.delay_s),
        semsat.doppler_cc(cfg.samp_rate, g.doppler_times_s, g.compensation_hz, 0.0, True),
    ]


def _tdl(cfg: ChannelConfig, es_n0_db: float, seed: int, delay_s: float) -> gr.basic_block:
    n = cfg.numerology
    per_sample_db = es_n0_db - 10 * math.log10(n.fft_len / n.occupied)  # docs/phy.md's convention
    return semsat.ntn_tdl_channel_cc(
        cfg.samp_rate, f"NTN-TDL-{cfg.model}", DELAY_SPREAD_S, cfg.geometry.carrier_hz, UE_SPEED_KMH,
        0.0, 0.0, 0.0, per_sample_db, True, seed, [], [], float("nan"), delay_s,
    )  # fmt: skip


class LinkFlowgraph(gr.top_block):
    """The clip's flowgraph; ``run_clip`` drives it. ``streams``: the codec streams of the mode."""

    def __init__(
        self,
        cfg: ChannelConfig,
        streams: Sequence[str],
        context: ClipContext,
        endpoint: str,
        kb_path: str,
        max_digital_bytes: int = FLUSH_BYTES,
        face_anchor: npt.NDArray[np.float32] | None = None,
    ) -> None:
        gr.top_block.__init__(self, "semsat_link")
        self.cfg = cfg
        num = cfg.numerology
        codec = shared_codec()
        anchor = {"face": [] if face_anchor is None else face_anchor.tolist()}
        self.encoders = {
            s: semantic_encoder(s, 1.0, context.fps, mode=context.mode.lower(), anchor=anchor.get(s, []))
            for s in streams
        }
        self.digital = digital_pdu_encoder(codec=codec)
        self.counter = symbol_counter(COUNTED)
        to_stream = pdu.pdu_to_tagged_stream(gr.types.complex_t, "packet_len")
        # A packet must fit the buffer between it and the mapper whole (GNU Radio's default holds 4096).
        longest = max(
            codec.layout(max_digital_bytes, self.digital.frame_type).symbols,
            MAX_ITEMS * max(stream_spec(s).symbols_per_item for s in streams),
        )
        to_stream.set_min_output_buffer(1 << math.ceil(math.log2(4 * longest)))
        self.mapper = semsat.ofdm_mapper(*num.args())
        self.channel = channel_blocks(cfg)
        self.demapper = semsat.ofdm_demapper(*num.args())
        self.frames = frames_to_pdu()
        self.router = stream_router(streams)
        self.decoders = {s: semantic_decoder(s, anchor=anchor.get(s, [])) for s in streams}
        self.digital_rx = digital_decoder(codec=codec)
        self.kb_sink = kb_update_sink(kb_path)
        face = self.encoders.get("face")
        self.wire = semantics_to_wire(replace(context, window_frames=face.window_items if face else 0))
        self.publisher = zeromq.pub_msg_sink(endpoint, 100, True)

        # The semantic bursts leave at their air times (air_scheduler); digital packets at once.
        self.scheduler = air_scheduler()
        for encoder in self.encoders.values():
            self.msg_connect(encoder, "out", self.scheduler, "in")
        self.msg_connect(self.scheduler, "out", to_stream, "pdus")
        self.msg_connect(self.digital, "out", to_stream, "pdus")
        for source in [*self.encoders.values(), self.digital]:
            self.msg_connect(source, "out", self.counter, "in")
        chain = [to_stream, self.mapper, *self.channel, self.demapper]
        for a, b in zip(chain[:-1], chain[1:], strict=True):
            self.connect(a, b)
        for port in (0, 1):
            self.connect((self.demapper, port), (self.frames, port))
            self.connect((self.demapper, port), (self.digital_rx, port))
        self.msg_connect(self.frames, "pdus", self.router, "in")
        for s, decoder in self.decoders.items():
            self.msg_connect(self.router, s, decoder, "in")
            self.msg_connect(decoder, "out", self.wire, "in")
        self.msg_connect(self.digital_rx, "out", self.kb_sink, "in")
        self.msg_connect(self.digital_rx, "out", self.wire, "keyframes")
        self.msg_connect(self.wire, "out", self.publisher, "in")
        self._flush_seq = 0
        self._posted = 0  # PHY frames the mapper must have made so far
        self._payload_end = 0.0  # mapper output samples at the end of the last payload posted
        self._target = 0.0  # samples past the payload's end the demapper must read

    # -- driving -------------------------------------------------------------------------------------
    def _post_digital(self, payload: bytes, stream_id: int, seq: int) -> None:
        self.digital._post(pmt.intern("in"), _pdu(payload, stream_id, seq))
        self._posted += 1

    def _flush(self) -> None:
        """Enough flush frames to carry the last payload frame through the channel and the demapper."""
        num = self.cfg.numerology
        latency = sum(float(b.latency()) for b in self.channel if hasattr(b, "latency"))
        look_ahead = 4.5 * num.fft_len + 11 * num.cp_len + 8
        symbols = self.digital.codec.layout(FLUSH_BYTES, self.digital.frame_type).symbols
        length = int(self.mapper.frame_length(symbols))
        for _ in range(math.ceil((latency + look_ahead + 2 * num.fft_len) / length) + 1):
            self._post_digital(bytes(FLUSH_BYTES), FLUSH_STREAM, self._flush_seq)
            self._flush_seq += 1
        self._target = latency + look_ahead + num.fft_len  # beyond the mapper's output at the payload's end

    def _wait_through(self, timeout_s: float) -> None:
        """Until every posted PDU is framed, the demapper has read past them and the receiver is quiet."""
        deadline = time.monotonic() + timeout_s
        while self.counter.seen() < self._posted or self.mapper.n_frames() < self._posted:
            self._check(deadline, "the mapper did not frame every packet")
        # The payload's end lies before the flush frames; the flush carries it through.
        needed = self._payload_end + self._target
        while self.demapper.nitems_read(0) < needed:
            self._check(deadline, f"the demapper read {self.demapper.nitems_read(0)} of {needed:.0f} samples")
        previous, quiet = None, 0
        while quiet < QUIET_POLLS:
            self._check(deadline, "the receiver did not settle")
            stats = [d.stats() for d in self.decoders.values()]
            semantic_out = sum(s["decoded"] + s["concealed"] for s in stats)
            semantic_in = sum(s["received"] for s in stats)
            routed = self.router.counts()
            digital_out = self.digital_rx.stats()["decoded"]
            state = (
                self.demapper.nitems_written(0),
                self.frames.nitems_read(0),
                self.digital_rx.nitems_read(0),
                tuple(sorted(routed.items())),
                semantic_in,
                digital_out,
            )
            # Every stream item and every message is consumed where it goes, and nothing moved since the last
            # look (messages travel between threads: a queue may be non-empty while the counts agree).
            drained = (
                state[1] == state[0]
                and state[2] == state[0]
                and sum(routed.values()) == self.frames.stats()["frames"]
                and sum(n for s, n in routed.items() if s != "unrouted") == semantic_in
                and self.wire.handled("in") == semantic_out
                and self.wire.handled("keyframes") == digital_out
                and self.kb_sink.handled() == digital_out
            )
            quiet = quiet + 1 if drained and state == previous else 0
            previous = state

    @staticmethod
    def _check(deadline: float, what: str) -> None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"link: {what} in time")
        time.sleep(POLL_S)

    def _payload_done(self) -> None:
        """Called once the payload PDUs are posted: the mapper's output length at their end."""
        deadline = time.monotonic() + 60
        while self.counter.seen() < self._posted or self.mapper.n_frames() < self._posted:
            self._check(deadline, "the mapper did not frame the payload")
        self._payload_end = float(self.mapper.nitems_written(0))

    def send(self, tx: Transmission, timeout_s: float) -> tuple[int, bool | None]:
        """Posts the clip and waits until it is through; returns (digital packets retransmitted, whether
        the KB update was delivered: None without one)."""
        # One source at a time, each framed before the next starts, so the order of the frames on the air
        # (and with it the fading and noise each one meets) follows from the seed alone.
        deadline = time.monotonic() + timeout_s
        digital = [(packet, KB_UPDATE_STREAM, i) for i, packet in enumerate(tx.kb_packets)]
        if tx.keyframes is not None:
            digital.append((tx.keyframes, KEYFRAME_STREAM, 0))
        for packet in digital:  # the update first: the receiver needs it to render
            self._post_digital(*packet)
        for stream, messages in tx.semantics.items():
            while self.counter.seen() < self._posted:
                self._check(deadline, "the encoders did not send their PDUs")
            for message in messages:
                self._posted += self._windows(stream, message)
                self.encoders[stream]._post(pmt.intern("in"), message)
        while self.counter.seen() < self._posted:
            self._check(deadline, "the encoders did not send their PDUs")
        # The clip's clock starts when the digital packets have left (they go back to back from time 0).
        self.scheduler._post(
            pmt.intern("release"), pmt.from_double(self._air_seconds(p for p, _, _ in digital))
        )
        self._payload_done()
        self._flush()
        self._wait_through(timeout_s)
        retransmitted = 0
        for _ in range(ARQ_ROUNDS):
            missing = sorted(set(range(len(tx.kb_packets))) - self.kb_sink.received(tx.update_id))
            keyframes_missing = tx.keyframes is not None and not self.wire.has_keyframes()
            if not missing and not keyframes_missing:
                break
            for i in missing:
                self._post_digital(tx.kb_packets[i], KB_UPDATE_STREAM, i)
            if keyframes_missing:
                self._post_digital(tx.keyframes, KEYFRAME_STREAM, 1)
            retransmitted += len(missing) + keyframes_missing
            self._payload_done()
            self._flush()
            self._wait_through(timeout_s)
        delivered = None
        if tx.kb_packets:
            delivered = not (set(range(len(tx.kb_packets))) - self.kb_sink.received(tx.update_id))
            # The record must be in the receiver's KB before the clip reaches the reconstruction.
            while delivered and not (self.kb_sink.stored() or self.kb_sink.errors()):
                self._check(deadline, "the KB update was not stored")
        return retransmitted, delivered

    def _air_seconds(self, packets) -> float:
        """Air time of digital packets sent back to back."""
        codec, frame_type = self.digital.codec, self.digital.frame_type
        samples = sum(
            int(self.mapper.frame_length(codec.layout(len(p), frame_type).symbols)) for p in packets
        )
        return samples / self.cfg.samp_rate

    def _windows(self, stream: str, message: pmt.pmt_base) -> int:
        """The symbol PDUs (PHY frames) a semantics PDU becomes: the encoder's windows of it, each
        time-interleaved over its bursts."""
        encoder = self.encoders[stream]
        items = len(semantics_from_pmt(stream, pmt.cdr(message)))
        step = encoder.window_items if stream == "face" else MAX_ITEMS
        return math.ceil(items / step) * encoder.bursts_per_window()


def run_clip(
    cfg: ChannelConfig,
    streams: Sequence[str],
    context: ClipContext,
    tx: Transmission,
    endpoint: str,
    kb_path: str,
    timeout_s: float = 600.0,
) -> LinkRun:
    """Runs the clip through the link; the wire messages go out on ``endpoint`` (bound here)."""
    digital = [*tx.kb_packets, *([tx.keyframes] if tx.keyframes is not None else []), bytes(FLUSH_BYTES)]
    top = LinkFlowgraph(
        cfg, streams, context, endpoint, kb_path, max(len(p) for p in digital), tx.face_anchor
    )
    start = bound = time.perf_counter()
    top.start()
    try:
        retransmitted, delivered = top.send(tx, timeout_s)
        sent = time.perf_counter()
        # ZMQ's PUB side drops what it sends before a subscriber has joined; the reconstruction process
        # subscribed before the sink bound and reconnects within its 100 ms retry interval.
        time.sleep(max(0.0, SUBSCRIBER_JOIN_S - (time.perf_counter() - bound)))
        finish = time.perf_counter()
        top.wire._post(pmt.intern("finish"), pmt.PMT_T)
        deadline = time.monotonic() + 30
        while not top.wire.finished():
            top._check(deadline, "the wire block did not finish")
        seconds = (sent - start) + (time.perf_counter() - finish)  # the link's work, not the join wait
    finally:
        time.sleep(0.5)  # the PUB socket hands its last messages to ZMQ before the sink is stopped
        top.stop()
        top.wait()
    return LinkRun(
        seconds=seconds,
        pdus=top.counter.pdus(),
        symbols=top.counter.symbols(),
        retransmitted_packets=retransmitted,
        kb_update_delivered=delivered,
        kb_errors=top.kb_sink.errors(),
        demapper={
            "detected": int(top.demapper.n_detected()),
            "decoded": int(top.demapper.n_decoded()),
            "dropped": int(top.demapper.n_dropped()),
            "rejected": int(top.demapper.n_rejected()),
        },
        decoders={s: d.stats() for s, d in top.decoders.items()},
        digital=top.digital_rx.stats(),
        wire=top.wire.sent(),
        repairs=top.wire.repairs(),
        text_received=top.wire.text(),
    )

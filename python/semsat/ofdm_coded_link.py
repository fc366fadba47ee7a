"""The coded OFDM link as one GNU Radio flowgraph: digital_encoder -> ofdm_mapper -> channel blocks ->
ofdm_demapper -> digital_decoder, for tests, examples and `semsat-bench phy`.

Byte PDUs go into the encoder's message port, the decoder's PDUs and both receivers' counters come back.
The encoder's stream waits for PDUs (it never ends), so a run ends by itself only once the receiver has
seen every sample of the payload frames: extra packets (at least `flush_frames`; stream id FLUSH_STREAM,
not reported) follow them so that the demapper, which looks up to 4.5 fft_len + 11 cp + 8 samples past a
trigger, gets past the last payload frame whatever the channel's latency. Payload packets use stream ids
below FLUSH_STREAM.

With `n_bursts` > 1 every packet (flush packets too) leaves as that many bursts, `burst_spacing_s` apart on
the air clock (tx_time tags: the channel blocks let the time between them pass without idle samples), in
the order an air_scheduler gives them: all first bursts, then all second ones, ... The flush packets are a
second release, after the payload's last bursts: their first bursts close the payload packets whose last
bursts were lost (all last bursts leave within milliseconds, so one fade can take them all).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pmt
from gnuradio import blocks, gr, semsat

from .digital_decoder import digital_decoder
from .digital_encoder import digital_encoder
from .ofdm_link import DEFAULT, Numerology
from .phy import packet_bursts
from .phy.digital_codec import DigitalCodec
from .phy.qam import frame_type_of

FLUSH_STREAM = 255
FLUSH_BYTES = 100


@dataclass
class CodedLinkResult:
    """What came out: decoded PDUs per (stream_id, seq), and the receivers' counters."""

    sent: dict[tuple[int, int], bytes]
    delivered: dict[tuple[int, int], bytes]
    # The last "stats" message (detected, decoded, dropped, headers, nonfinite), with "rejected" as the
    # demapper counted it at the end (rejected triggers after the last frame attempt included).
    demapper: dict[str, int]
    decoder: dict[str, int]  # digital_decoder.stats()
    extra: list[bytes] = field(default_factory=list)  # delivered PDUs that were never sent (must be empty)

    @property
    def frames(self) -> int:
        return len(self.sent)

    @property
    def correct(self) -> int:
        """Sent packets delivered with exactly their bytes."""
        return sum(self.delivered.get(key) == payload for key, payload in self.sent.items())

    @property
    def wrong(self) -> int:
        """Delivered PDUs whose bytes differ from what was sent under that header (never expected)."""
        return sum(key in self.sent and self.sent[key] != data for key, data in self.delivered.items()) + len(
            self.extra
        )

    @property
    def fer(self) -> float:
        return 1.0 - self.correct / self.frames


@cache
def shared_codec() -> DigitalCodec:
    """The default code (LDPC n 1800, k 902, 50 BP iterations, interleaving), built once per process."""
    return DigitalCodec()


def _pdu(payload: bytes, stream_id: int, seq: int) -> pmt.pmt_base:
    meta = pmt.make_dict()
    meta = pmt.dict_add(meta, pmt.intern("stream_id"), pmt.from_long(stream_id))
    meta = pmt.dict_add(meta, pmt.intern("seq"), pmt.from_long(seq))
    return pmt.cons(meta, pmt.init_u8vector(len(payload), list(payload)))


def run_coded_link(
    payloads: Sequence[bytes],
    channel: Callable[[], Sequence[gr.basic_block]] | None = None,
    num: Numerology = DEFAULT,
    modulation: str = "qpsk",
    stream_id: int = 0,
    first_seq: int = 0,
    flush_frames: int = 2,
    demapper_args: dict | None = None,
    codec: DigitalCodec | None = None,
    timeout_s: float = 120.0,
    n_bursts: int = 1,
    burst_spacing_s: float = 0.25,
) -> CodedLinkResult:
    """Sends `payloads` (stream `stream_id`, seq from `first_seq`) through the whole chain once.

    `channel` makes the blocks between mapper and demapper (connected in that order; sync blocks, so
    that the sample count through them is known); None is a noiseless link. The run stops once the
    demapper has read past the payload frames (plus the channel's latency and its look-ahead) and the
    receiver has settled: the decoder consumed all the demapper emitted and the demapper's last "stats"
    message is its current count (so `demapper` and `decoder` in the result agree) and every decoded PDU
    was stored; after `timeout_s` it raises RuntimeError. Encoder and decoder share `codec` (default:
    `shared_codec()`), so calls must not run concurrently. `n_bursts`, `burst_spacing_s`: time
    interleaving (module docstring); seqs then run modulo 65536 // n_bursts².
    """
    if not 0 <= stream_id < FLUSH_STREAM:
        raise ValueError(f"stream_id must be 0..{FLUSH_STREAM - 1}, got {stream_id}")
    top = gr.top_block()
    codec = codec if codec is not None else shared_codec()
    encoder = digital_encoder(
        modulation=modulation, codec=codec, n_bursts=n_bursts, burst_spacing_s=burst_spacing_s
    )
    mapper = semsat.ofdm_mapper(*num.args())
    demapper = semsat.ofdm_demapper(*num.args(), **(demapper_args or {}))
    decoder = digital_decoder(modulation=modulation, codec=codec, n_bursts=n_bursts)
    pdus, stats = blocks.message_debug(), blocks.message_debug()
    chain = [encoder, mapper, *(channel() if channel is not None else []), demapper]
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        top.connect(a, b)
    top.connect((demapper, 0), (decoder, 0))
    top.connect((demapper, 1), (decoder, 1))
    top.msg_connect(decoder, "out", pdus, "store")
    top.msg_connect(demapper, "stats", stats, "store")

    seq_modulo = packet_bursts.packet_seq_modulo(n_bursts)
    sent = {(stream_id, (first_seq + i) % seq_modulo): bytes(p) for i, p in enumerate(payloads)}

    def burst_samples(payload_bytes: int) -> list[int]:
        """Sample count of each burst of a packet, in burst order."""
        symbols = encoder.symbols_for(payload_bytes)
        return [int(mapper.frame_length(-(-(symbols - b) // n_bursts))) for b in range(n_bursts)]

    payload_samples = sum(sum(burst_samples(len(p))) for p in payloads)
    latency = sum(float(b.latency()) for b in chain[2:-1] if hasattr(b, "latency"))
    look_ahead = 4.5 * num.fft_len + 11 * num.cp_len + 8
    # Sync channel blocks with a latency hold back that many samples at the end: the flush covers them too
    # (with bursts, its first bursts alone do).
    flush_length = min(burst_samples(FLUSH_BYTES))
    flush_frames = max(flush_frames, math.ceil((latency + look_ahead + 2 * num.fft_len) / flush_length) + 1)
    needed = payload_samples + latency + look_ahead + num.fft_len
    flush = {(FLUSH_STREAM, i): bytes(FLUSH_BYTES) for i in range(flush_frames)}
    n_packets = len(sent) + flush_frames

    def last_stats() -> dict[str, int]:
        if stats.num_messages() == 0:  # no frame attempt finished
            return dict.fromkeys(("detected", "decoded", "dropped", "headers", "nonfinite", "rejected"), 0)
        return {k: int(v) for k, v in pmt.to_python(stats.get_message(stats.num_messages() - 1)).items()}

    def settled() -> bool:
        """The decoder has consumed all the demapper emitted, whose last stats message is its state now,
        and every PDU it decoded has reached the store."""
        last = last_stats()
        return (
            mapper.n_frames() == n_packets * n_bursts
            and decoder.nitems_read(0) == demapper.nitems_written(0)
            and pdus.num_messages() == decoder.stats()["decoded"]
            and last.get("decoded", 0) == demapper.n_decoded()
            and last.get("dropped", 0) == demapper.n_dropped()
        )

    def wait_for(done: Callable[[], bool], what: str) -> None:
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError(f"coded link: {what}")
            time.sleep(0.002)

    def send(packets: dict[tuple[int, int], bytes], release_s: float) -> None:
        """Posts the packets; with bursts, waits until all are held, then releases them at `release_s` and
        waits until they have left (so that the next packets are another release)."""
        for key, payload in packets.items():
            encoder.pdu_encoder._post(pmt.intern("in"), _pdu(payload, *key))
        if n_bursts == 1:
            return
        scheduler = encoder.scheduler
        released = scheduler.released() + len(packets) * n_bursts
        wait_for(
            lambda: scheduler.held() == len(packets) * n_bursts, "the encoder did not encode every packet"
        )
        scheduler._post(pmt.intern("release"), pmt.from_double(release_s))
        wait_for(lambda: scheduler.released() == released, "the scheduler did not release the bursts")

    top.start()
    deadline = time.monotonic() + timeout_s
    try:
        send(sent, 0.0)
        send(flush, n_bursts * burst_spacing_s)
        # Past the payload frames, then settled and quiet: nothing moves between two checks 5 ms apart.
        while demapper.nitems_read(0) < needed:
            if time.monotonic() > deadline:
                raise RuntimeError(f"coded link: demapper read {demapper.nitems_read(0)} of {needed} samples")
            time.sleep(0.002)
        previous, quiet = None, 0
        while quiet < 2:
            if time.monotonic() > deadline:
                raise RuntimeError("coded link: the receiver did not settle")
            time.sleep(0.005)
            state = (demapper.nitems_read(0), demapper.nitems_written(0), decoder.nitems_read(0))
            quiet = quiet + 1 if settled() and state == previous else 0
            previous = state
    finally:
        top.stop()
        top.wait()

    delivered: dict[tuple[int, int], bytes] = {}
    extra: list[bytes] = []
    for i in range(pdus.num_messages()):
        msg = pdus.get_message(i)
        meta = pmt.to_python(pmt.car(msg))
        data = bytes(pmt.u8vector_elements(pmt.cdr(msg)))
        key = (int(meta.get("stream_id", -1)), int(meta.get("seq", -1)))
        if key[0] == FLUSH_STREAM:
            continue
        if key in delivered or key not in sent:
            extra.append(data)
        else:
            delivered[key] = data
    demapper_stats = {**last_stats(), "rejected": int(demapper.n_rejected())}
    return CodedLinkResult(sent, delivered, demapper_stats, decoder.stats(), extra)


def example_payloads(n_packets: int, payload_bytes: int, seed: int = 0) -> list[bytes]:
    """The packets of examples/ofdm_loopback.grc: random bytes, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    return [rng.bytes(payload_bytes) for _ in range(n_packets)]


def tagged_symbols(
    payloads: Sequence[bytes], modulation: str = "qpsk", stream_id: int = 0, len_tag_key: str = "packet_len"
) -> tuple[list[complex], list[gr.tag_t]]:
    """What digital_encoder would stream for `payloads` (seq 0, 1, ...), as data and tags for a
    vector_source_c: the way to feed a finite, headless flowgraph (the encoder's stream never ends)."""
    codec = shared_codec()
    frame_type = frame_type_of(modulation)
    data: list[complex] = []
    tags: list[gr.tag_t] = []
    for seq, payload in enumerate(payloads):
        symbols = codec.encode(payload, frame_type)
        for key, value in (
            (len_tag_key, len(symbols)),
            ("frame_type", int(frame_type)),
            ("stream_id", stream_id),
            ("seq", seq % 65536),
        ):
            tags.append(gr.tag_utils.python_to_tag((len(data), pmt.intern(key), pmt.from_long(value))))
        data.extend(symbols.tolist())
    return data, tags

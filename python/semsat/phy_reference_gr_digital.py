"""GNU Radio's own OFDM (gr-digital ofdm_tx / ofdm_rx) as the reference for benchmarks and BER comparisons.

Numerology: gr-digital's defaults, close to 802.11a: FFT 64, cyclic prefix 16, 48 data carriers (-26..26
without 0, +-7, +-21), 4 pilots at +-7 and +-21 (BPSK, sign pattern of 127 symbols), two Schmidl & Cox
synchronisation symbols, one BPSK header symbol (packet length, number, CRC-8), payload carriers with
`bps_payload` bits (1 BPSK, 2 QPSK, 3 8PSK, 4 16QAM, gr-digital's own constellations), payload CRC-32 appended
and checked (packets that fail it are dropped inside ofdm_rx). Channel: gr-channels channel_model with AWGN
and a frequency offset given in subcarriers.

Known weaknesses (../shared/reference/ntn-channel.md): Schmidl & Cox fine CFO is unambiguous only within
+-1 subcarrier and the integer estimate assumes an even offset, so offsets past about 1 subcarrier lose
packets; a header that fails its CRC-8 loses the packet, and no soft information reaches the user.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pmt
from gnuradio import blocks, channels, digital, gr

FFT_LEN = 64
CP_LEN = 16
LEN_TAG = "packet_len"
SEQ_BYTES = 2  # each payload starts with its packet number, so received packets match sent ones


@dataclasses.dataclass(frozen=True)
class Carriers:
    """ofdm_tx / ofdm_rx numerology: FFT, CP and carriers (None: gr-digital's 802.11a-like defaults)."""

    fft_len: int = FFT_LEN
    cp_len: int = CP_LEN
    occupied_carriers: tuple[tuple[int, ...], ...] | None = None
    pilot_carriers: tuple[tuple[int, ...], ...] | None = None
    pilot_symbols: tuple[tuple[float, ...], ...] | None = None

    def kwargs(self) -> dict:
        args: dict = {"fft_len": self.fft_len, "cp_len": self.cp_len}
        for key in ("occupied_carriers", "pilot_carriers", "pilot_symbols"):
            if getattr(self, key) is not None:
                args[key] = getattr(self, key)
        return args

    @classmethod
    def like_semsat(cls, fft_len: int, cp_len: int, occupied: int, pilot_spacing: int) -> Carriers:
        """The carriers of a gr-semsat numerology: -occupied/2..occupied/2 without DC, a BPSK pilot (+1) on
        every pilot_spacing-th of them (gr-semsat also puts one on the last), the rest data."""
        half = occupied // 2
        carriers = [k for k in range(-half, half + 1) if k != 0]
        pilots = [k for i, k in enumerate(carriers) if i % pilot_spacing == 0]
        data = [k for k in carriers if k not in pilots]
        return cls(fft_len, cp_len, (tuple(data),), (tuple(pilots),), ((1.0,) * len(pilots),))


GR_DEFAULT = Carriers()


@dataclasses.dataclass(frozen=True)
class LinkResult:
    packets_sent: int
    packets_received: int
    bit_errors: int  # over the payloads received (they passed gr-digital's CRC-32)
    samples: int  # complex baseband samples through the channel
    seconds: float  # wall time of the transmitter and of the channel + receiver flowgraph

    @property
    def packet_loss(self) -> float:
        return 1.0 - self.packets_received / self.packets_sent


@dataclasses.dataclass(frozen=True)
class Throughput:
    name: str
    samples: int
    seconds: float

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.seconds


def _payloads(n_packets: int, payload_bytes: int, seed: int) -> list[bytes]:
    if payload_bytes <= SEQ_BYTES or n_packets >= 1 << (8 * SEQ_BYTES):
        raise ValueError(f"need payload_bytes > {SEQ_BYTES} and fewer than 65536 packets")
    rng = np.random.default_rng(seed)
    return [i.to_bytes(SEQ_BYTES, "big") + rng.bytes(payload_bytes - SEQ_BYTES) for i in range(n_packets)]


def _byte_source(payloads: list[bytes]) -> blocks.vector_source_b:
    tags, offset = [], 0
    for payload in payloads:
        tags.append(gr.tag_utils.python_to_tag((offset, pmt.intern(LEN_TAG), pmt.from_long(len(payload)))))
        offset += len(payload)
    return blocks.vector_source_b(list(b"".join(payloads)), False, 1, tags)


def transmit(
    payloads: list[bytes], bps_payload: int = 2, gap_samples: int = 0, carriers: Carriers = GR_DEFAULT
) -> tuple[np.ndarray, float]:
    """ofdm_tx's baseband samples for the packets and the wall time it took.

    ofdm_tx emits its bursts back to back; `gap_samples` > 0 puts that many zeros after each burst.
    """
    top = gr.top_block()
    tx = digital.ofdm_tx(packet_length_tag_key=LEN_TAG, bps_payload=bps_payload, **carriers.kwargs())
    sink = blocks.vector_sink_c()
    top.connect(_byte_source(payloads), tx, sink)
    start = time.perf_counter()
    top.run()
    seconds = time.perf_counter() - start
    samples = np.asarray(sink.data(), dtype=np.complex64)
    if gap_samples > 0:
        bursts = sorted(
            (t.offset, pmt.to_long(t.value)) for t in sink.tags() if pmt.symbol_to_string(t.key) == LEN_TAG
        )
        gap = np.zeros(gap_samples, dtype=np.complex64)
        samples = np.concatenate(
            [part for offset, length in bursts for part in (samples[offset : offset + length], gap)]
        )
    return samples, seconds


def receive(
    samples: np.ndarray, bps_payload: int = 2, carriers: Carriers = GR_DEFAULT
) -> tuple[list[bytes], float]:
    """Payloads ofdm_rx delivers (CRC-32 passed) from baseband samples, and the wall time."""
    top = gr.top_block()
    rx = digital.ofdm_rx(packet_length_tag_key=LEN_TAG, bps_payload=bps_payload, **carriers.kwargs())
    sink = blocks.vector_sink_b()
    top.connect(blocks.vector_source_c(samples.tolist()), rx, sink)
    start = time.perf_counter()
    top.run()
    seconds = time.perf_counter() - start
    data = bytes(sink.data())
    starts = sorted(
        (t.offset, pmt.to_long(t.value)) for t in sink.tags() if pmt.symbol_to_string(t.key) == LEN_TAG
    )
    return [data[offset : offset + length] for offset, length in starts], seconds


def channel(samples: np.ndarray, snr_db: float, cfo_subcarriers: float = 0.0, seed: int = 0) -> np.ndarray:
    """AWGN at `snr_db` over the mean signal power, and a carrier offset, through gr-channels channel_model.

    Silence of a few OFDM symbols goes before and after, so the receiver sees the first preamble whole and
    flushes the last packet.
    """
    power = float(np.mean(np.abs(samples[samples != 0]) ** 2))
    guard = np.zeros(8 * (FFT_LEN + CP_LEN), dtype=np.complex64)
    top = gr.top_block()
    model = channels.channel_model(
        noise_voltage=math.sqrt(power * 10 ** (-snr_db / 10)),
        frequency_offset=cfo_subcarriers / FFT_LEN,
        epsilon=1.0,
        taps=[1.0],
        noise_seed=seed,
    )
    sink = blocks.vector_sink_c()
    top.connect(blocks.vector_source_c(np.concatenate([guard, samples, guard]).tolist()), model, sink)
    top.run()
    return np.asarray(sink.data(), dtype=np.complex64)


def run_link(
    n_packets: int = 100,
    payload_bytes: int = 96,
    snr_db: float = 30.0,
    cfo_subcarriers: float = 0.0,
    bps_payload: int = 2,
    gap_samples: int = 0,
    seed: int = 0,
) -> LinkResult:
    """ofdm_tx -> AWGN (+ CFO) -> ofdm_rx for n_packets packets; counts packets and payload bit errors."""
    sent = _payloads(n_packets, payload_bytes, seed)
    tx_samples, tx_seconds = transmit(sent, bps_payload, gap_samples)
    rx_samples = channel(tx_samples, snr_db, cfo_subcarriers, seed)
    received, rx_seconds = receive(rx_samples, bps_payload)
    errors = 0
    for payload in received:
        number = int.from_bytes(payload[:SEQ_BYTES], "big")
        reference = sent[number] if number < n_packets and len(payload) == payload_bytes else None
        if reference is None:
            errors += 8 * len(payload)
        else:
            diff = np.frombuffer(payload, np.uint8) ^ np.frombuffer(reference, np.uint8)
            errors += int(np.unpackbits(diff).sum())
    return LinkResult(n_packets, len(received), errors, len(rx_samples), tx_seconds + rx_seconds)


def measure_throughput(
    n_packets: int = 2000, payload_bytes: int = 96, snr_db: float = 20.0, bps_payload: int = 2
) -> tuple[Throughput, Throughput]:
    """Samples/s of ofdm_tx (samples produced) and of ofdm_rx (samples consumed), each flowgraph on its own.

    Pin the process to one core first (bench_util.pin_to_one_core) for per-core numbers.
    """
    payloads = _payloads(n_packets, payload_bytes, seed=1)
    tx_samples, tx_seconds = transmit(payloads, bps_payload)
    rx_samples = channel(tx_samples, snr_db)
    _, rx_seconds = receive(rx_samples, bps_payload)
    return (
        Throughput("gr-digital ofdm_tx", len(tx_samples), tx_seconds),
        Throughput("gr-digital ofdm_rx", len(rx_samples), rx_seconds),
    )

"""Helpers around semsat.ofdm_mapper / ofdm_demapper: payload generation, transmit and receive runs.

Used by the OFDM QA tests and the PHY benchmark. Payload symbols have unit average power: complex
Gaussian for analog frames (frame type 0), Gray-coded QPSK / 16QAM / 64QAM points for types 1-3.

SNR convention: ``esn0_db`` is the energy per data subcarrier over the noise spectral density. The
mapper's time-domain samples have unit average power spread over ``occupied`` of ``fft_len``
carriers, so complex AWGN of variance ``fft_len / (occupied * EsN0)`` per sample gives that Es/N0 on
every carrier (pilots and cyclic prefix are overhead and are not counted in Es).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pmt
from gnuradio import blocks, gr, semsat

from .phy.qam import Constellation


def qam_modulate(bits: np.ndarray, frame_type: int) -> np.ndarray:
    """Unit-power Gray QAM of ``bits`` (the digital path's constellation, phy/qam.py)."""
    return Constellation(frame_type).map(bits).astype(np.complex64)


def qam_demodulate(symbols: np.ndarray, frame_type: int) -> np.ndarray:
    """Hard decisions of ``qam_modulate`` (the signs of the max-log LLRs: the nearest point's bits)."""
    return (Constellation(frame_type).llr(symbols, 1.0) > 0).astype(np.int64)


@dataclass
class Packet:
    """A payload and its header tags; a tag whose value is None is not sent (mapper default)."""

    frame_type: int | None
    stream_id: int | None
    seq: int | None
    symbols: np.ndarray
    bits: np.ndarray | None = None


def random_packet(rng: np.random.Generator, frame_type: int, n: int, stream_id: int, seq: int) -> Packet:
    if frame_type == 0:
        s = (rng.standard_normal(n) + 1j * rng.standard_normal(n)) / np.sqrt(2)
        return Packet(0, stream_id, seq, s.astype(np.complex64))
    bits = rng.integers(0, 2, n * Constellation(frame_type).bits_per_symbol).astype(np.int64)
    return Packet(frame_type, stream_id, seq, qam_modulate(bits, frame_type), bits)


@dataclass(frozen=True)
class Numerology:
    fft_len: int = 256
    cp_len: int = 32
    occupied: int = 212
    pilot_spacing: int = 6

    def args(self) -> tuple[int, int, int, int]:
        return (self.fft_len, self.cp_len, self.occupied, self.pilot_spacing)


DEFAULT = Numerology()  # the blocks' defaults


def packet_tags(packets: list[Packet]) -> list[gr.tag_t]:
    """Length and header tags of ``packets`` laid end to end."""
    tags = []
    offset = 0
    for p in packets:
        for key, value in (
            ("packet_len", len(p.symbols)),
            ("frame_type", p.frame_type),
            ("stream_id", p.stream_id),
            ("seq", p.seq),
        ):
            if value is not None:
                tags.append(gr.tag_utils.python_to_tag((offset, pmt.intern(key), pmt.from_long(value))))
        offset += len(p.symbols)
    return tags


def transmit(
    packets: list[Packet],
    num: Numerology = DEFAULT,
    guard: int = -1,
    extra_tags: list[gr.tag_t] | None = None,
    mapper: gr.basic_block | None = None,
) -> np.ndarray:
    """Runs ``packets`` through an ofdm_mapper (a new one unless given); returns its samples."""
    data = np.concatenate([p.symbols for p in packets]) if packets else np.zeros(0, np.complex64)
    top = gr.top_block()
    src = blocks.vector_source_c(data.tolist(), False, 1, packet_tags(packets) + (extra_tags or []))
    mapper = mapper if mapper is not None else semsat.ofdm_mapper(*num.args(), guard)
    sink = blocks.vector_sink_c()
    top.connect(src, mapper, sink)
    top.run()
    return np.array(sink.data(), dtype=np.complex64)


def split_frames(x: np.ndarray, packets: list[Packet], mapper_frame_length) -> list[np.ndarray]:
    """Cuts a mapper output into its frames (guard included), using the mapper's frame_length."""
    out = []
    pos = 0
    for p in packets:
        n = int(mapper_frame_length(len(p.symbols)))
        out.append(x[pos : pos + n])
        pos += n
    return out


def with_gaps(frames: list[np.ndarray], rng: np.random.Generator, max_gap: int) -> np.ndarray:
    """Frames separated by random zero gaps (and a random lead): random timing for the receiver."""
    parts = []
    for f in frames:
        parts.append(np.zeros(int(rng.integers(0, max_gap + 1)), np.complex64))
        parts.append(f)
    parts.append(np.zeros(max_gap + 4096, np.complex64))  # lets the receiver see the last frame out
    return np.concatenate(parts)


@dataclass
class Frame:
    frame_type: int
    stream_id: int
    seq: int
    snr_db: float
    cfo: float
    symbols: np.ndarray
    noise_var: np.ndarray


@dataclass
class Reception:
    frames: list[Frame]
    stats: dict = field(default_factory=dict)
    counters: dict = field(default_factory=dict)


def receive(samples: np.ndarray, num: Numerology = DEFAULT, **demapper_args) -> Reception:
    """Runs ``samples`` through an ofdm_demapper; returns the frames it emitted and its counters."""
    top = gr.top_block()
    src = blocks.vector_source_c(np.asarray(samples, dtype=np.complex64).tolist(), False)
    demapper = semsat.ofdm_demapper(*num.args(), **demapper_args)
    sym_sink = blocks.vector_sink_c()
    var_sink = blocks.vector_sink_f()
    stats = blocks.message_debug()
    top.connect(src, demapper)
    top.connect((demapper, 0), sym_sink)
    top.connect((demapper, 1), var_sink)
    top.msg_connect(demapper, "stats", stats, "store")
    top.run()
    return collect(demapper, sym_sink, var_sink, stats)


def collect(demapper, sym_sink, var_sink, stats) -> Reception:
    """Splits the demapper's outputs into frames at their rx_len tags."""
    syms = np.array(sym_sink.data(), dtype=np.complex64)
    var = np.array(var_sink.data(), dtype=np.float32)
    by_offset: dict[int, dict] = {}
    for t in sym_sink.tags():
        by_offset.setdefault(int(t.offset), {})[pmt.symbol_to_string(t.key)] = pmt.to_python(t.value)
    frames = []
    for offset in sorted(by_offset):
        d = by_offset[offset]
        n = int(d["rx_len"])
        frames.append(
            Frame(
                int(d["frame_type"]),
                int(d["stream_id"]),
                int(d["seq"]),
                float(d["snr_db"]),
                float(d["cfo"]),
                syms[offset : offset + n],
                var[offset : offset + n],
            )
        )
    last = {}
    if stats.num_messages() > 0:
        last = {k: int(v) for k, v in pmt.to_python(stats.get_message(stats.num_messages() - 1)).items()}
    counters = {
        "detected": demapper.n_detected(),
        "decoded": demapper.n_decoded(),
        "dropped": demapper.n_dropped(),
        "headers": demapper.n_headers(),
        "nonfinite": demapper.n_nonfinite(),
        "rejected": demapper.n_rejected(),
    }
    return Reception(frames, last, counters)


def add_awgn(x: np.ndarray, esn0_db: float, num: Numerology, rng: np.random.Generator) -> np.ndarray:
    """AWGN for an Es/N0 per data subcarrier (see the module docstring)."""
    var = num.fft_len / (num.occupied * 10 ** (esn0_db / 10))
    n = (rng.standard_normal(len(x)) + 1j * rng.standard_normal(len(x))) * np.sqrt(var / 2)
    return (x + n).astype(np.complex64)


def frequency_shift(x: np.ndarray, cfo_subcarriers: float, num: Numerology) -> np.ndarray:
    n = np.arange(len(x))
    return (x * np.exp(2j * np.pi * cfo_subcarriers * n / num.fft_len)).astype(np.complex64)

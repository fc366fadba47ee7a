"""Throughput of semsat.ofdm_mapper + ofdm_demapper against gr-digital's ofdm_tx + ofdm_rx, on one core.

Both chains carry the same QPSK payload (1600 symbols per packet) with the same numerology, gr-semsat's
default (FFT 256, CP 32, 212 occupied carriers with a pilot every 6th: 176 data + 36 pilot carriers for
gr-digital too), transmitter straight into receiver in one headless flowgraph, one run after the other
in the same process. Throughput is counted in channel samples (the transmitter's output) per
second of wall time and in payload symbols per second; the process is pinned to one core, so the
flowgraph's threads share it as they would a busy CPU.

Run: python -m gnuradio.semsat.bench_phy_ofdm [--packets N] [--repeats R]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
import pmt
from gnuradio import blocks, digital, gr

from . import bench_util, ofdm_demapper, ofdm_mapper
from .ofdm_link import DEFAULT

FFT_LEN = DEFAULT.fft_len
CP_LEN = DEFAULT.cp_len
OCCUPIED = DEFAULT.occupied
PILOT_SPACING = DEFAULT.pilot_spacing
PACKET_SYMBOLS = 1600  # QPSK symbols per packet: 400 bytes for gr-digital (its mux buffers limit it)


@dataclass(frozen=True)
class Throughput:
    name: str
    samples: int  # channel samples (transmitter output)
    payload_symbols: int  # payload symbols the receiver delivered
    seconds: float

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.seconds

    @property
    def symbols_per_s(self) -> float:
        return self.payload_symbols / self.seconds


def _len_tags(n_packets: int, packet_len: int, key: str) -> list[gr.tag_t]:
    return [
        gr.tag_utils.python_to_tag((i * packet_len, pmt.intern(key), pmt.from_long(packet_len)))
        for i in range(n_packets)
    ]


def measure_semsat(n_packets: int) -> Throughput:
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 4, n_packets * PACKET_SYMBOLS)
    symbols = (np.exp(1j * (np.pi / 4 + np.pi / 2 * bits))).astype(np.complex64)
    top = gr.top_block()
    src = blocks.vector_source_c(
        symbols.tolist(), False, 1, _len_tags(n_packets, PACKET_SYMBOLS, "packet_len")
    )
    mapper = ofdm_mapper(FFT_LEN, CP_LEN, OCCUPIED, PILOT_SPACING)
    demapper = ofdm_demapper(FFT_LEN, CP_LEN, OCCUPIED, PILOT_SPACING)
    sym_sink = blocks.null_sink(gr.sizeof_gr_complex)
    var_sink = blocks.null_sink(gr.sizeof_float)
    top.connect(src, mapper, demapper)
    top.connect((demapper, 0), sym_sink)
    top.connect((demapper, 1), var_sink)
    start = time.perf_counter()
    top.run()
    seconds = time.perf_counter() - start
    samples = int(n_packets * mapper.frame_length(PACKET_SYMBOLS))
    return Throughput("gr-semsat", samples, int(demapper.n_decoded()) * PACKET_SYMBOLS, seconds)


def _gnuradio_carriers() -> tuple[tuple[list[int]], tuple[list[int]], tuple[list[float]]]:
    half = OCCUPIED // 2
    carriers = [k for k in range(-half, half + 1) if k != 0]
    pilots = [k for i, k in enumerate(carriers) if i % PILOT_SPACING == 0]
    data = [k for k in carriers if k not in pilots]
    return (data,), (pilots,), ([1.0] * len(pilots),)


def measure_gnuradio(n_packets: int) -> Throughput:
    n_bytes = PACKET_SYMBOLS // 4
    rng = np.random.default_rng(1)
    payload = rng.integers(0, 256, n_packets * n_bytes).astype(np.uint8)
    occupied, pilots, pilot_symbols = _gnuradio_carriers()
    top = gr.top_block()
    src = blocks.vector_source_b(payload.tolist(), False, 1, _len_tags(n_packets, n_bytes, "packet_len"))
    tx = digital.ofdm_tx(
        fft_len=FFT_LEN,
        cp_len=CP_LEN,
        packet_length_tag_key="packet_len",
        occupied_carriers=occupied,
        pilot_carriers=pilots,
        pilot_symbols=pilot_symbols,
        bps_header=1,
        bps_payload=2,
    )
    rx = digital.ofdm_rx(
        fft_len=FFT_LEN,
        cp_len=CP_LEN,
        packet_length_tag_key="rx_len",  # a key of its own, else the tx tags confuse its demux
        occupied_carriers=occupied,
        pilot_carriers=pilots,
        pilot_symbols=pilot_symbols,
        bps_header=1,
        bps_payload=2,
    )
    tap = blocks.copy(gr.sizeof_gr_complex)
    sink = blocks.null_sink(gr.sizeof_char)
    top.connect(src, tx, tap, rx, sink)
    # gr-digital's receiver does not finish when its input ends (its header/payload demultiplexer
    # keeps waiting), so the run ends when the output has not grown for a while after the source is
    # done, and the time counts up to the last output seen.
    expected = n_packets * n_bytes
    start = time.perf_counter()
    top.start()
    last_count, last_change = -1, start
    while True:
        time.sleep(0.005)
        count = sink.nitems_read(0)
        now = time.perf_counter()
        if count != last_count:
            last_count, last_change = count, now
        if count >= expected or (src.nitems_written(0) >= len(payload) and now - last_change > 1.0):
            break
    top.stop()
    top.wait()
    seconds = last_change - start
    delivered = last_count // n_bytes
    samples = int(tap.nitems_written(0))
    return Throughput("gr-digital", samples, delivered * PACKET_SYMBOLS, seconds)


def compare(n_packets: int = 200, repeats: int = 3) -> dict:
    """Best-of-``repeats`` throughput of both chains and their ratio (ours / theirs)."""
    ours = bench_util.best_of(repeats, lambda: measure_semsat(n_packets), key=lambda t: t.samples_per_s)
    theirs = bench_util.best_of(repeats, lambda: measure_gnuradio(n_packets), key=lambda t: t.samples_per_s)
    return {
        "packets": n_packets,
        "semsat_samples_per_s": ours.samples_per_s,
        "gnuradio_samples_per_s": theirs.samples_per_s,
        "samples_ratio": ours.samples_per_s / theirs.samples_per_s,
        "semsat_symbols_per_s": ours.symbols_per_s,
        "gnuradio_symbols_per_s": theirs.symbols_per_s,
        "symbols_ratio": ours.symbols_per_s / theirs.symbols_per_s
        if theirs.symbols_per_s > 0
        else float("inf"),
        "semsat_delivered": ours.payload_symbols // PACKET_SYMBOLS,
        "gnuradio_delivered": theirs.payload_symbols // PACKET_SYMBOLS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    core = bench_util.pin_to_one_core()
    print(f"OFDM PHY tx+rx, one core (CPU {core}), {args.packets} packets of {PACKET_SYMBOLS} QPSK symbols")
    r = compare(args.packets, args.repeats)
    print(f"{'':12} {'samples/s':>14} {'symbols/s':>14} {'packets':>8}")
    for name, key in (("gr-semsat", "semsat"), ("gr-digital", "gnuradio")):
        samples, symbols, packets = (r[f"{key}_{k}"] for k in ("samples_per_s", "symbols_per_s", "delivered"))
        print(f"{name:12} {samples:14.3e} {symbols:14.3e} {packets:8d}")
    print(f"ratio: {r['samples_ratio']:.2f}x samples/s, {r['symbols_ratio']:.2f}x payload symbols/s")


if __name__ == "__main__":
    main()

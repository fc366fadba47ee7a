"""`semsat-bench phy`: error-rate curves of the gr-semsat OFDM PHY against theory and gr-digital's OFDM, and
the mapper + demapper throughput against gr-digital's ofdm_tx + ofdm_rx (bench_phy_ofdm), in one run.

Numerology: gr-semsat's default, FFT 256, CP 32, 212 occupied carriers, a pilot every 6th (30 kHz spacing:
7.68 MHz sampling); gr-digital's ofdm_tx / ofdm_rx get the same FFT, CP and carriers
(phy_reference_gr_digital.Carriers.like_semsat).

SNR: Es/N0 per data subcarrier for both PHYs (docs/phy.md, "SNR convention"): each transmitter's bursts are
scaled to unit average power and AWGN of variance fft_len / (occupied Es/N0) per sample is added, or the
same NTN-TDL-A channel (semsat.ntn_tdl_channel_cc, DS 100 ns, UE 3 km/h at 2 GHz, no bulk Doppler, per-sample
snr_db = Es/N0 - 10 log10(fft_len / occupied)) with the same seeds for both. Every seed is an independent
fading realisation carrying `frames_per_seed` frames.

Curves (one CSV row per point, a progress line per point):
- uncoded BER of Gray QPSK and 16QAM through mapper + AWGN + demapper (hard decisions on the equalised
  symbols), against the exact AWGN theory; frames whose header was lost are left out and counted;
- FER of LDPC-coded QPSK (the digital path's (1800, 902) code, CRC-32, 100-byte packets, max-log LLRs from
  the demapper's per-symbol noise variance: DigitalCodec, what digital_encoder / digital_decoder run) over
  AWGN and NTN-TDL-A; a frame counts only if its exact bytes come out;
- gr-digital's packet error rate (QPSK, its CRC-32, 100-byte packets) over the same AWGN and NTN-TDL-A;
- the outage bound of those LDPC-coded packets over NTN-TDL-A (phy/outage.py: the FER of an ideal code with
  an ideal receiver at their code rate, from the channel block's own path delays and powers).
Timing runs on one core, as `bench_phy_ofdm`. The PNGs and CSV go to `out_dir`.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from gnuradio import blocks, gr

from . import bench_phy_ofdm, ntn_tdl_channel_cc
from . import ofdm_link as ol
from . import phy_reference_gr_digital as ref
from .ofdm_coded_link import shared_codec
from .phy.framing import OVERHEAD_BITS
from .phy.outage import outage_probability
from .phy.qam import FrameType, theoretical_ber

NUM = ol.DEFAULT
SAMP_RATE = 30e3 * NUM.fft_len
SNR_OFFSET_DB = 10 * math.log10(NUM.fft_len / NUM.occupied)
PAYLOAD_BYTES = 100
GAP = 400  # max random zeros between frames (random timing)


@dataclass(frozen=True)
class Settings:
    uncoded_frames: int = 100  # frames of 800 symbols per uncoded BER point
    coded_frames: int = 500  # frames per coded AWGN point (gr-digital: packets)
    seeds: int = 300  # fading realisations per NTN-TDL-A point
    frames_per_seed: int = 2
    qpsk_esn0: tuple[float, ...] = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0)
    qam16_esn0: tuple[float, ...] = (6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0)
    coded_awgn_esn0: tuple[float, ...] = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    coded_tdl_esn0: tuple[float, ...] = (4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0)
    gr_awgn_esn0: tuple[float, ...] = (12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0)
    gr_tdl_esn0: tuple[float, ...] = (16.0, 20.0, 24.0, 28.0, 32.0, 36.0)
    throughput_packets: int = 300
    repeats: int = 3


@dataclass(frozen=True)
class Point:
    curve: str
    channel: str
    esn0_db: float
    errors: int  # bit errors (BER curves) or frame errors (FER curves)
    total: int
    frames_lost: int  # frames the receiver never delivered (included in FER errors, left out of BER)

    @property
    def rate(self) -> float:
        return self.errors / self.total if self.total else float("nan")


def _report(point: Point) -> Point:
    print(
        f"{point.curve:<26} {point.channel:<10} Es/N0 {point.esn0_db:5.1f} dB  "
        f"{point.errors:>7}/{point.total:<8} = {point.rate:9.2e}  (frames lost {point.frames_lost})",
        flush=True,
    )
    return point


def _unit_power(x: np.ndarray) -> np.ndarray:
    """Scales bursts (zeros between them excluded) to unit average power."""
    power = float(np.mean(np.abs(x[x != 0]) ** 2))
    return (x / math.sqrt(power)).astype(np.complex64)


def _pad(x: np.ndarray) -> np.ndarray:
    """Silence before and after, so that both receivers see the first preamble whole and flush the last."""
    lead = np.zeros(8 * (NUM.fft_len + NUM.cp_len), np.complex64)
    return np.concatenate([lead, x, np.zeros(8192, np.complex64)])


def tdl_channel(x: np.ndarray, esn0_db: float, seed: int) -> np.ndarray:
    channel = ntn_tdl_channel_cc(
        SAMP_RATE, "NTN-TDL-A", 100e-9, 2e9, 3.0, 0.0, 0.0, 0.0, esn0_db - SNR_OFFSET_DB, True, seed
    )
    top = gr.top_block()
    sink = blocks.vector_sink_c()
    top.connect(blocks.vector_source_c(x.tolist(), False), channel, sink)
    top.run()
    return np.asarray(sink.data(), dtype=np.complex64)


def through_tdl(groups: list[np.ndarray], esn0_db: float) -> np.ndarray:
    """Each group of frames through its own NTN-TDL-A realisation (seed = its index + 1), concatenated."""
    return np.concatenate([tdl_channel(_pad(g), esn0_db, seed) for seed, g in enumerate(groups, 1)])


def uncoded_ber(
    frame_type: int, esn0s: tuple[float, ...], settings: Settings, rng: np.random.Generator
) -> list[Point]:
    name = {1: "QPSK", 2: "16QAM"}[frame_type]
    packets = [ol.random_packet(rng, frame_type, 800, 0, i) for i in range(settings.uncoded_frames)]
    frames = np.split(ol.transmit(packets, NUM), len(packets))  # equal packets: equal frames
    x = _pad(ol.with_gaps(frames, rng, GAP))
    points = []
    for esn0 in esn0s:
        rx = ol.receive(ol.add_awgn(x, esn0, NUM, rng), NUM)
        got = {f.seq: f for f in rx.frames}
        errors = total = 0
        for p in packets:
            if p.seq in got:
                errors += int(np.count_nonzero(ol.qam_demodulate(got[p.seq].symbols, frame_type) != p.bits))
                total += len(p.bits)
        points.append(
            _report(Point(f"gr-semsat {name} uncoded", "AWGN", esn0, errors, total, len(packets) - len(got)))
        )
    return points


def coded_fer(settings: Settings, rng: np.random.Generator) -> list[Point]:
    codec = shared_codec()
    points = []
    for channel, esn0s, n in (
        ("AWGN", settings.coded_awgn_esn0, settings.coded_frames),
        ("NTN-TDL-A", settings.coded_tdl_esn0, settings.seeds * settings.frames_per_seed),
    ):
        payloads = [rng.bytes(PAYLOAD_BYTES) for _ in range(n)]
        packets = [ol.Packet(1, 0, i, codec.encode(p, FrameType.QPSK)) for i, p in enumerate(payloads)]
        tx = ol.transmit(packets, NUM)
        frames = np.split(tx, len(packets))  # equal packets: equal frames
        k = settings.frames_per_seed
        groups = [ol.with_gaps(frames[i : i + k], rng, GAP) for i in range(0, n, k)]
        for esn0 in esn0s:
            if channel == "AWGN":
                y = ol.add_awgn(_pad(ol.with_gaps(frames, rng, GAP)), esn0, NUM, rng)
            else:
                y = through_tdl(groups, esn0)
            rx = ol.receive(y, NUM)
            got = {f.seq: f for f in rx.frames}
            correct = 0
            for i, payload in enumerate(payloads):
                f = got.get(i)
                if f is not None and codec.decode(f.symbols, f.noise_var, FrameType.QPSK).payload == payload:
                    correct += 1
            points.append(_report(Point("gr-semsat LDPC QPSK", channel, esn0, n - correct, n, n - len(got))))
    return points


def gnuradio_per(settings: Settings, rng: np.random.Generator) -> list[Point]:
    carriers = ref.Carriers.like_semsat(*NUM.args())
    points = []
    for channel, esn0s, n in (
        ("AWGN", settings.gr_awgn_esn0, settings.coded_frames),
        ("NTN-TDL-A", settings.gr_tdl_esn0, settings.seeds * settings.frames_per_seed),
    ):
        payloads = [
            i.to_bytes(ref.SEQ_BYTES, "big") + rng.bytes(PAYLOAD_BYTES - ref.SEQ_BYTES) for i in range(n)
        ]
        sent = set(payloads)
        k = settings.frames_per_seed
        groups = [_unit_power(ref.transmit(payloads[i : i + k], 2, GAP, carriers)[0]) for i in range(0, n, k)]
        for esn0 in esn0s:
            if channel == "AWGN":
                y = ol.add_awgn(_pad(np.concatenate(groups)), esn0, NUM, rng)
            else:
                y = through_tdl(groups, esn0)
            received, _ = ref.receive(y, 2, carriers)
            correct = len(set(received) & sent)
            points.append(
                _report(Point("gr-digital QPSK (CRC-32)", channel, esn0, n - correct, n, n - correct))
            )
    return points


def theory_rows(esn0s: np.ndarray) -> list[dict]:
    rows = []
    for frame_type, name in ((FrameType.QPSK, "QPSK"), (FrameType.QAM16, "16QAM")):
        bits = 2 if frame_type == FrameType.QPSK else 4
        for esn0 in esn0s:
            ber = theoretical_ber(frame_type, float(esn0) - 10 * math.log10(bits))
            rows.append({"curve": f"theory {name}", "channel": "AWGN", "esn0_db": float(esn0), "rate": ber})
    return rows


def outage_rows(esn0s: np.ndarray, realisations: int = 100_000) -> list[dict]:
    """Outage bound of the coded QPSK packets over NTN-TDL-A: their code rate (information bits over code bits
    sent) against the mean QPSK bit mutual information over the occupied carriers."""
    codec = shared_codec()
    symbols = codec.layout(PAYLOAD_BYTES, FrameType.QPSK).symbols
    rate = (8 * PAYLOAD_BYTES + OVERHEAD_BITS) / (2 * symbols)
    channel = ntn_tdl_channel_cc(SAMP_RATE, "NTN-TDL-A", 100e-9, 2e9, 3.0)
    half = NUM.occupied // 2
    freqs = np.r_[np.arange(-half, 0), np.arange(1, half + 1)] * (SAMP_RATE / NUM.fft_len)
    rng = np.random.default_rng(38811)
    return [
        {
            "curve": "outage bound, LDPC QPSK",
            "channel": "NTN-TDL-A",
            "esn0_db": float(esn0),
            "rate": outage_probability(
                channel.path_delays(), channel.path_powers(), freqs, float(esn0), rate, realisations, rng
            ),
        }
        for esn0 in esn0s
    ]


def plot(points: list[Point], theory: list[dict], out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def series(curve: str, channel: str) -> tuple[list[float], list[float]]:
        sel = [p for p in points if p.curve == curve and p.channel == channel and p.errors > 0]
        return [p.esn0_db for p in sel], [p.rate for p in sel]

    paths = []
    fig, ax = plt.subplots(figsize=(7, 5))
    for name, marker in (("QPSK", "o"), ("16QAM", "s")):
        t = [r for r in theory if r["curve"] == f"theory {name}"]
        ax.semilogy([r["esn0_db"] for r in t], [r["rate"] for r in t], "-", label=f"theory {name} (AWGN)")
        ax.semilogy(
            *series(f"gr-semsat {name} uncoded", "AWGN"), marker, label=f"gr-semsat OFDM {name}, AWGN"
        )
    ax.set(xlabel="Es/N0 per data subcarrier (dB)", ylabel="bit error rate", ylim=(1e-5, 0.5))
    ax.set_title("Uncoded BER: gr-semsat OFDM (mapper + demapper) vs theory")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    paths.append(out_dir / "ber.png")
    fig.savefig(paths[-1], dpi=120, bbox_inches="tight")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 5))
    for curve, channel, style in (
        ("gr-semsat LDPC QPSK", "AWGN", "o-"),
        ("gr-semsat LDPC QPSK", "NTN-TDL-A", "s-"),
        ("gr-digital QPSK (CRC-32)", "AWGN", "o--"),
        ("gr-digital QPSK (CRC-32)", "NTN-TDL-A", "s--"),
    ):
        ax.semilogy(*series(curve, channel), style, label=f"{curve}, {channel}")
    bound = [r for r in theory if r["curve"].startswith("outage bound") and r["rate"] > 0]
    ax.semilogy(
        [r["esn0_db"] for r in bound],
        [r["rate"] for r in bound],
        ":",
        color="C1",
        label="outage bound (any code, ideal receiver), NTN-TDL-A",
    )
    ax.set(xlabel="Es/N0 per data subcarrier (dB)", ylabel="frame / packet error rate", ylim=(1e-3, 1.05))
    ax.text(
        0.01, 0.01, "points without errors are not drawn (see the CSV)", transform=ax.transAxes, fontsize=8
    )
    ax.set_title(f"{PAYLOAD_BYTES}-byte packets, FFT {NUM.fft_len}, NTN-TDL-A 100 ns, 3 km/h at 2 GHz")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    paths.append(out_dir / "fer.png")
    fig.savefig(paths[-1], dpi=120, bbox_inches="tight")
    plt.close(fig)
    return paths


def write_csv(points: list[Point], theory: list[dict], path: Path) -> None:
    fields = ["curve", "channel", "esn0_db", "errors", "total", "frames_lost", "rate"]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for p in points:
            writer.writerow({**asdict(p), "rate": p.rate})
        for row in theory:
            writer.writerow({**row, "errors": "", "total": "", "frames_lost": ""})


def run(settings: Settings, out_dir: Path) -> dict:
    """All curves and the throughput comparison; returns a JSON-able summary."""
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    rng = np.random.default_rng(2026)
    print(
        f"throughput: mapper + demapper vs ofdm_tx + ofdm_rx, {settings.throughput_packets} packets, "
        f"best of {settings.repeats}",
        flush=True,
    )
    throughput = bench_phy_ofdm.compare(settings.throughput_packets, settings.repeats)
    print(
        f"  gr-semsat {throughput['semsat_samples_per_s']:.3e} samples/s, gr-digital "
        f"{throughput['gnuradio_samples_per_s']:.3e}: {throughput['samples_ratio']:.2f}x samples/s, "
        f"{throughput['symbols_ratio']:.2f}x delivered payload symbols/s "
        f"(gr-digital delivered {throughput['gnuradio_delivered']}/{throughput['packets']})",
        flush=True,
    )
    points = uncoded_ber(1, settings.qpsk_esn0, settings, rng)
    points += uncoded_ber(2, settings.qam16_esn0, settings, rng)
    points += coded_fer(settings, rng)
    points += gnuradio_per(settings, rng)
    theory = theory_rows(np.arange(0.0, 20.01, 0.5)) + outage_rows(np.arange(0.0, 16.01, 1.0))
    write_csv(points, theory, out_dir / "phy_curves.csv")
    pngs = plot(points, theory, out_dir)
    seconds = time.perf_counter() - start
    print(f"wrote {out_dir / 'phy_curves.csv'}, {', '.join(str(p) for p in pngs)} in {seconds:.0f} s")
    return {
        "benchmark": "phy",
        "throughput": throughput,
        "points": [{**asdict(p), "rate": p.rate} for p in points],
        "csv": str(out_dir / "phy_curves.csv"),
        "png": [str(p) for p in pngs],
        "seconds": seconds,
    }

"""Throughput of ntn_tdl_channel_cc against GNU Radio's own fading chain, in the same run, on one core."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from gnuradio import analog, blocks, channels, gr

from . import ntn_tdl_channel_cc

SPEED_OF_LIGHT = 299792458.0


@dataclass(frozen=True)
class ChannelScenario:
    """The issue's benchmark case: NTN-TDL-A, DS 100 ns, UE 3 km/h at 2 GHz, bulk Doppler, AWGN."""

    samp_rate: float
    model: str = "NTN-TDL-A"
    delay_spread: float = 100e-9
    carrier_hz: float = 2e9
    ue_speed_kmh: float = 3.0
    doppler_hz: float = 30e3
    doppler_rate_hz_s: float = -500.0
    snr_db: float = 10.0

    @property
    def max_ue_doppler(self) -> float:
        return self.ue_speed_kmh / 3.6 * self.carrier_hz / SPEED_OF_LIGHT


@dataclass(frozen=True)
class Throughput:
    name: str
    samples: int
    seconds: float

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.seconds


BlockFactory = Callable[[gr.top_block, ChannelScenario], tuple[gr.basic_block, gr.basic_block]]


def semsat_chain(top: gr.top_block, s: ChannelScenario) -> tuple[gr.basic_block, gr.basic_block]:
    channel = ntn_tdl_channel_cc(
        s.samp_rate,
        s.model,
        s.delay_spread,
        s.carrier_hz,
        s.ue_speed_kmh,
        s.doppler_hz,
        s.doppler_rate_hz_s,
        0.0,
        s.snr_db,
        True,
        1,
    )
    return channel, channel


def gnuradio_chain(top: gr.top_block, s: ChannelScenario) -> tuple[gr.basic_block, gr.basic_block]:
    """selective_fading_model with the same taps and f_D, a rotator for the bulk Doppler, and AWGN.

    GNU Radio has no Doppler rate or Rician per-tap option: the rotator holds the initial Doppler.
    """
    probe = ntn_tdl_channel_cc(s.samp_rate, s.model, s.delay_spread, noise_enabled=False)
    delays = [d * s.samp_rate for d in probe.path_delays()]
    mags = [float(np.sqrt(p)) for p in probe.path_powers()]
    fading = channels.selective_fading_model(
        8, s.max_ue_doppler / s.samp_rate, False, 4.0, 1, delays, mags, 8
    )
    rotator = blocks.rotator_cc(2 * np.pi * s.doppler_hz / s.samp_rate)
    noise = analog.noise_source_c(analog.GR_GAUSSIAN, float(10 ** (-s.snr_db / 20)), 1)
    add = blocks.add_cc()
    top.connect(fading, rotator, (add, 0))
    top.connect(noise, (add, 1))
    return fading, add


def measure(name: str, factory: BlockFactory, scenario: ChannelScenario, samples: int) -> Throughput:
    """Runs random samples through the chain into a null sink and times the whole flowgraph."""
    rng = np.random.default_rng(0)
    pattern = (rng.standard_normal(1 << 16) + 1j * rng.standard_normal(1 << 16)).astype(np.complex64)
    top = gr.top_block()
    source = blocks.vector_source_c(pattern.tolist(), True)
    head = blocks.head(gr.sizeof_gr_complex, samples)
    first, last = factory(top, scenario)
    top.connect(source, head, first)
    top.connect(last, blocks.null_sink(gr.sizeof_gr_complex))
    start = time.perf_counter()
    top.run()
    return Throughput(name, samples, time.perf_counter() - start)

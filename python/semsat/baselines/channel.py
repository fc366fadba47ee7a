"""The channel a baseline's packets cross, as GNU Radio blocks between ofdm_mapper and ofdm_demapper: AWGN
(gr-channels' channel_model) or this module's NTN-TDL-A block, both at an Es/N0 per data subcarrier
(docs/phy.md): AWGN of variance fft_len / (occupied Es/N0) per sample, the TDL block's per-sample SNR
10 log10(fft_len / occupied) dB below Es/N0. One seed is one noise (and fading) realisation."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Protocol

from gnuradio import channels, gr, semsat

from ..ofdm_link import DEFAULT

SAMP_RATE = 30e3 * DEFAULT.fft_len  # 30 kHz subcarrier spacing
SNR_OFFSET_DB = 10 * math.log10(DEFAULT.fft_len / DEFAULT.occupied)
KINDS = ("awgn", "ntn-tdl-a")


class ChannelBlocks(Protocol):
    """What a carry needs of a channel: its blocks, and the same channel with another realisation."""

    @property
    def seed(self) -> int: ...

    def reseeded(self, offset: int) -> ChannelBlocks: ...

    def blocks(self) -> list[gr.basic_block]: ...


@dataclass(frozen=True)
class LinkChannel:
    kind: str
    esn0_db: float
    seed: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown channel {self.kind!r}; one of {', '.join(KINDS)}")
        if not math.isfinite(self.esn0_db):
            raise ValueError(f"Es/N0 must be finite, got {self.esn0_db}")

    def reseeded(self, offset: int) -> LinkChannel:
        """The same channel with another realisation (one per stream, so streams do not share fades)."""
        return replace(self, seed=self.seed + offset)

    def blocks(self) -> list[gr.basic_block]:
        if self.kind == "awgn":
            voltage = math.sqrt(DEFAULT.fft_len / (DEFAULT.occupied * 10 ** (self.esn0_db / 10)))
            return [channels.channel_model(voltage, 0.0, 1.0, [1.0 + 0j], self.seed)]
        # DS 100 ns, UE 3 km/h at 2 GHz, no bulk Doppler (pre-compensated), as the PHY's NTN tests.
        return [
            semsat.ntn_tdl_channel_cc(
                SAMP_RATE,
                "NTN-TDL-A",
                100e-9,
                2e9,
                3.0,
                0.0,
                0.0,
                0.0,
                self.esn0_db - SNR_OFFSET_DB,
                True,
                self.seed,
            )
        ]

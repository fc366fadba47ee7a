"""What a baseline hands back: the received clip, what it cost on the channel and which frames were lost."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class AudioResult:
    """Decoded speech and its cost: channel symbols and the share of codec frames that never arrived."""

    audio: npt.NDArray[np.float32]
    sample_rate: int
    symbols: int
    lost_share: float


@dataclass(frozen=True)
class BaselineResult:
    """The received video [T, S, S, 3] (uint8), the audio if any, the channel symbols per stream and per
    frame whether the picture shown is not the one sent for that instant (lost or held)."""

    frames: npt.NDArray[np.uint8]
    lost: npt.NDArray[np.bool_]
    symbols: dict[str, int]
    audio: AudioResult | None = None
    details: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def total_symbols(self) -> int:
        return sum(self.symbols.values())

    @property
    def lost_share(self) -> float:
        return float(self.lost.mean()) if self.lost.size else 0.0

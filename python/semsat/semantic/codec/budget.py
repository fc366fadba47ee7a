"""The symbol budget: how many complex channel symbols each stream of a clip costs, per clip and per second.

Every item of a stream costs ``symbols_per_item`` symbols (1..the model's maximum). Face parameters come at
the video frame rate, so their budget is set in symbols per second and must give a whole number of symbols
per frame; the token streams cost what the speech holds (characters, phones) times their symbols per item.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..features import ClipFeatures
from .streams import MODE_STREAMS, stream_spec, text_to_ids


def face_symbols_per_frame(symbols_per_second: float, fps: float) -> int:
    """Symbols per video frame for a face budget in symbols per second; ValueError if it is not whole."""
    per_frame = symbols_per_second / fps
    maximum = stream_spec("face").symbols_per_item
    if abs(per_frame - round(per_frame)) > 1e-6 or not 1 <= round(per_frame) <= maximum:
        raise ValueError(
            f"a face budget of {symbols_per_second:g} symbols/s at {fps:g} fps is {per_frame:g} symbols per "
            f"frame; it must be a whole number 1..{maximum} (multiples of {fps:g} symbols/s)"
        )
    return int(round(per_frame))


@dataclass(frozen=True)
class StreamCost:
    stream: str
    items: int
    symbols_per_item: int
    seconds: float

    @property
    def symbols(self) -> int:
        return self.items * self.symbols_per_item

    @property
    def symbols_per_second(self) -> float:
        return self.symbols / self.seconds


def stream_items(features: ClipFeatures, stream: str) -> int:
    if stream == "face":
        return features.n_frames
    if stream == "text":
        return len(text_to_ids(features.text))
    if stream == "phonemes":
        return len(features.phonemes)
    if stream == "durations":
        return len(features.durations)
    raise ValueError(f"unknown stream {stream!r}")


def clip_cost(
    features: ClipFeatures, mode: str = "v2a", symbols_per_item: dict[str, int] | None = None
) -> list[StreamCost]:
    """What sending the clip in ``mode`` costs per stream (default: every model's full symbols per item)."""
    try:
        streams = MODE_STREAMS[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODE_STREAMS)}") from None
    chosen = symbols_per_item or {}
    seconds = features.n_frames / features.fps
    return [
        StreamCost(s, stream_items(features, s), chosen.get(s, stream_spec(s).symbols_per_item), seconds)
        for s in streams
    ]


def format_costs(costs: list[StreamCost]) -> str:
    lines = [f"{'stream':<10} {'items':>6} {'sym/item':>8} {'symbols':>8} {'sym/s':>8}"]
    lines += [
        f"{c.stream:<10} {c.items:>6} {c.symbols_per_item:>8} {c.symbols:>8} {c.symbols_per_second:>8.1f}"
        for c in costs
    ]
    total = sum(c.symbols for c in costs)
    lines.append(f"{'total':<10} {'':>6} {'':>8} {total:>8} {total / costs[0].seconds if costs else 0:>8.1f}")
    return "\n".join(lines)

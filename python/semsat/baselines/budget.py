"""Symbol budgets: V2A's symbols for a clip (semantic/codec/budget.py: face parameters and text) and what byte
payloads cost on the digital path (CRC-32 framing, LDPC (1800, 902) with shortening, QPSK)."""

from __future__ import annotations

from collections.abc import Iterable

from ..ofdm_coded_link import shared_codec
from ..phy.framing import OVERHEAD_BITS
from ..phy.qam import FrameType
from ..semantic.codec.budget import clip_cost
from ..semantic.features import ClipFeatures

H26X_BUDGET_FACTOR = 10  # the issue compares H.264/H.265+LDPC at ten times V2A's symbols per clip


def codeword_payload_bytes() -> int:
    """The largest payload that fits one codeword: a lost packet then costs one codeword's worth of data."""
    return (shared_codec().code.k - OVERHEAD_BITS) // 8


def v2a_symbols(features: ClipFeatures) -> int:
    """V2A's channel symbols for the clip at the codec's full budget (face parameters + text)."""
    return sum(cost.symbols for cost in clip_cost(features, "v2a"))


def payload_symbols(payload_bytes: int) -> int:
    """QPSK symbols of one digital-path packet of ``payload_bytes`` bytes."""
    return shared_codec().layout(payload_bytes, FrameType.QPSK).symbols


def payloads_symbols(sizes: Iterable[int]) -> int:
    return sum(payload_symbols(size) for size in sizes)

"""`carry`: how a baseline's packets cross the link. A baseline hands a list of packets (one stream) and gets
back what came out, keyed by the packet's index; lost packets are missing. Two kinds, as on the PHY:

- digital: byte payloads through digital_encoder (CRC-32, LDPC (1800, 902), QPSK) -> ofdm_mapper -> channel ->
  ofdm_demapper -> digital_decoder (ofdm_coded_link): a payload comes out with its exact bytes or not at all;
- analog: complex symbols as analog OFDM frames (frame type 0) -> channel -> ofdm_demapper: the equalised
  symbols come out with the demapper's per-symbol noise variance, or the frame is lost.

The factories here build both over a channel (LinkChannel, or semsat-link's satellite chain: any
ChannelBlocks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .. import ofdm_link as ol
from ..numpy_io import process
from ..ofdm_coded_link import run_coded_link
from .channel import ChannelBlocks

ANALOG = 0  # the mapper's frame type for analog symbols
LEAD_SAMPLES = 500  # zeros before the first frame: the receiver must find it, not be told where it is
TAIL_SAMPLES = 4096  # lets the demapper see the last frame out (the channel's latency comes on top)


@dataclass(frozen=True)
class AnalogReceived:
    symbols: npt.NDArray[np.complex64]  # equalised
    noise_var: npt.NDArray[np.float32]  # per symbol, from the demapper's channel estimate


DigitalCarry = Callable[[Sequence[bytes], int], dict[int, bytes]]
AnalogCarry = Callable[[Sequence[npt.NDArray[np.complex64]], int], dict[int, AnalogReceived]]


def digital_ofdm_carry(channel: ChannelBlocks) -> DigitalCarry:
    """Payloads of one stream_id through the coded OFDM link; each stream gets its own realisation."""

    def carry(payloads: Sequence[bytes], stream_id: int) -> dict[int, bytes]:
        if not payloads:
            return {}
        link = channel.reseeded(stream_id)
        result = run_coded_link(list(payloads), link.blocks, stream_id=stream_id)
        return {seq: data for (sid, seq), data in result.delivered.items() if sid == stream_id}

    return carry


def analog_ofdm_carry(channel: ChannelBlocks) -> AnalogCarry:
    """Symbol packets of one stream_id as analog OFDM frames; a frame whose length or header came out
    wrong counts as lost."""

    def carry(packets: Sequence[npt.NDArray[np.complex64]], stream_id: int) -> dict[int, AnalogReceived]:
        if not packets:
            return {}
        link = channel.reseeded(stream_id)
        sent = [
            ol.Packet(ANALOG, stream_id, seq, np.asarray(p, np.complex64)) for seq, p in enumerate(packets)
        ]
        lead = np.random.default_rng(link.seed).integers(0, LEAD_SAMPLES)
        chain = link.blocks()
        # A delaying channel (the slant range) holds its latency back: the tail must push it out too.
        latency = sum(float(b.latency()) for b in chain if hasattr(b, "latency"))
        tail = TAIL_SAMPLES + int(np.ceil(latency))
        x = np.concatenate([np.zeros(lead, np.complex64), ol.transmit(sent), np.zeros(tail, np.complex64)])
        for block in chain:
            x = process(block, x).samples
        received = {}
        for frame in ol.receive(x).frames:
            if (
                frame.stream_id == stream_id
                and frame.seq < len(sent)
                and len(frame.symbols) == len(sent[frame.seq].symbols)
            ):
                received[frame.seq] = AnalogReceived(frame.symbols, frame.noise_var)
        return received

    return carry

"""The receiver's side of packet_bursts.py: bursts gathered back into their packets, several packets at a
time.

A packet is ready when all its n bursts are in, or once no more of them can come. An air_scheduler sends a
release's bursts ordered by (air time, stream id, seq), and burst b of every packet leaves at air time
b * spacing, so the bursts arrive in order of (burst, stream id, seq). Hence:
- a burst n-1 of (stream s, seq q) arriving means every packet at or before (s, q // n) in that order has
  sent all its bursts: those still incomplete are ready, their missing bursts erasures;
- a burst that comes before the previous one in that order starts another release (or a sender that sends
  each packet's bursts back to back): every packet still gathered is ready.
The closing order is the one the scheduler sorts by, so it holds across seq wrap-around too. A packet whose
last bursts and every later packet's are lost waits for the next release (the link's flush frames close it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from . import packet_bursts


@dataclass
class GatheredPacket:
    stream_id: int
    packet: int
    n_symbols: int
    frame_type: int
    tags: dict[str, object]  # the first burst's tags, for the output's meta
    received: dict[int, tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]] = field(
        default_factory=dict
    )

    def merged(self, n_bursts: int) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
        return packet_bursts.merge(self.n_symbols, n_bursts, self.received)

    def lost_bursts(self, n_bursts: int) -> int:
        return n_bursts - len(self.received)


class PacketGatherer:
    """Bursts (stream id, header seq, symbols, noise variances) in, packets ready to decode out."""

    def __init__(self, n_bursts: int) -> None:
        packet_bursts.check_n_bursts(n_bursts)
        self.n_bursts = n_bursts
        self._pending: dict[tuple[int, int], GatheredPacket] = {}
        self._last_order: tuple[int, int, int] | None = None

    def pending(self) -> int:
        return len(self._pending)

    def add(
        self,
        stream_id: int,
        seq: int,
        frame_type: int,
        symbols: npt.NDArray[np.complex64],
        noise_var: npt.NDArray[np.float32],
        tags: dict[str, object],
    ) -> tuple[list[GatheredPacket], str | None]:
        """Takes one burst; returns the packets now ready (in air order) and why the burst was refused, if
        it was (its seq and length fit no packet, or not the packet gathered under that seq)."""
        header = packet_bursts.parse(seq, len(symbols), self.n_bursts)
        if header is None:
            return [], f"seq {seq} with {len(symbols)} symbols is no burst of {self.n_bursts}"
        order = (header.burst, stream_id, seq)
        ready = []
        if self._last_order is not None and order < self._last_order:
            ready = self._close(lambda key: True)
        self._last_order = order
        key = (stream_id, header.group)
        packet = self._pending.get(key)
        if packet is None:
            packet = GatheredPacket(stream_id, header.packet, header.n_symbols, frame_type, tags)
            self._pending[key] = packet
        elif header.burst in packet.received or (header.n_symbols, frame_type) != (
            packet.n_symbols,
            packet.frame_type,
        ):
            return ready, f"burst {header.burst} of packet {header.packet} repeated or of another length/type"
        packet.received[header.burst] = (symbols, noise_var)
        if len(packet.received) == self.n_bursts:
            ready.append(self._pending.pop(key))
        elif header.burst == self.n_bursts - 1:
            ready.extend(self._close(lambda pending_key: pending_key <= key))
        return ready, None

    def _close(self, done) -> list[GatheredPacket]:
        keys = sorted(key for key in self._pending if done(key))
        return [self._pending.pop(key) for key in keys]

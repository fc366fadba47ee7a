"""Time interleaving of one packet's symbols over n bursts, and the sequence numbers that describe them.

A packet sent in one OFDM frame meets one fade (at 3 km/h a fade lasts ~70 ms, far longer than a frame), so
at rate 1/2 a deep fade loses the packet whatever the code. Split round-robin over n bursts sent far apart
(symbol j goes to burst j mod n), each codeword meets n independent fades, and the interleaver inside the
codec spreads a burst lost in a fade over the whole codeword as erasures.

The PHY header has no room for more fields, so its 16-bit seq carries the split:
seq = (packet * n + N mod n) * n + burst, with N the packet's symbol count. Burst b holds
ceil((N - b) / n) symbols, so any one received burst gives N: the receiver needs nothing else to place it.
With n = 1 the seq is the packet's seq: the format of unsplit packets is unchanged.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

SEQ_MODULO = 1 << 16
# Noise variance of a missing burst's symbols (sent as 0): their LLRs are ~0, erasures. Finite, because the
# codec rejects non-finite input as a bad frame.
ERASURE_NOISE_VAR = 1e12


def packet_seq_modulo(n_bursts: int) -> int:
    """How many packet numbers the 16-bit seq can carry with `n_bursts` bursts per packet (65536 // n²)."""
    check_n_bursts(n_bursts)
    return SEQ_MODULO // (n_bursts * n_bursts)


def check_n_bursts(n_bursts: int) -> None:
    if not 1 <= n_bursts <= 256:
        raise ValueError(f"n_bursts must be 1..256 (seq has 16 bits), got {n_bursts}")


def burst_seq(packet: int, n_symbols: int, burst: int, n_bursts: int) -> int:
    """The header seq of burst `burst` of packet number `packet` (0..packet_seq_modulo - 1)."""
    if not 0 <= packet < packet_seq_modulo(n_bursts):
        raise ValueError(f"packet {packet} out of 0..{packet_seq_modulo(n_bursts) - 1} for {n_bursts} bursts")
    return (packet * n_bursts + n_symbols % n_bursts) * n_bursts + burst


def split(symbols: npt.NDArray[np.complex64], n_bursts: int) -> list[npt.NDArray[np.complex64]]:
    """Burst b holds symbols b, b + n, b + 2n, ...; every burst must get at least one symbol."""
    check_n_bursts(n_bursts)
    if len(symbols) < n_bursts:
        raise ValueError(f"{len(symbols)} symbols cannot fill {n_bursts} bursts")
    return [np.ascontiguousarray(symbols[b::n_bursts]) for b in range(n_bursts)]


@dataclasses.dataclass(frozen=True)
class BurstHeader:
    """What one received burst says about its packet."""

    packet: int
    burst: int
    n_symbols: int  # N, the packet's symbol count
    group: int  # seq // n: the packet number and N mod n, the same in all bursts of one packet


def parse(seq: int, burst_symbols: int, n_bursts: int) -> BurstHeader | None:
    """The packet a burst belongs to, from its seq and its length; None when they cannot be a burst."""
    if not 0 <= seq < SEQ_MODULO or burst_symbols < 1:
        return None
    burst = seq % n_bursts
    remainder = (seq // n_bursts) % n_bursts
    # Burst b of N = n q + r symbols holds q + 1 symbols when b < r, else q.
    whole = burst_symbols - (1 if burst < remainder else 0)
    n_symbols = whole * n_bursts + remainder
    if n_symbols < n_bursts:
        return None
    return BurstHeader(seq // (n_bursts * n_bursts), burst, n_symbols, seq // n_bursts)


def merge(
    n_symbols: int, n_bursts: int, received: dict[int, tuple[npt.NDArray, npt.NDArray]]
) -> tuple[npt.NDArray[np.complex64], npt.NDArray[np.float32]]:
    """The packet's symbols and noise variances from the bursts received (burst -> (symbols, noise_var));
    a missing burst's symbols are erasures (0 with ERASURE_NOISE_VAR)."""
    symbols = np.zeros(n_symbols, dtype=np.complex64)
    noise_var = np.full(n_symbols, ERASURE_NOISE_VAR, dtype=np.float32)
    for burst, (burst_symbols, burst_noise_var) in received.items():
        symbols[burst::n_bursts] = burst_symbols
        noise_var[burst::n_bursts] = burst_noise_var
    return symbols, noise_var

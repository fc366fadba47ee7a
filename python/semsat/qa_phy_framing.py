"""Framing (length, CRC-32, shortening, interleaving) and the gr-fec LDPC code under it."""

import zlib

import numpy as np
import pytest
from gnuradio.semsat.phy.digital_codec import DigitalCodec
from gnuradio.semsat.phy.framing import (
    MAX_PAYLOAD_BYTES,
    OVERHEAD_BITS,
    Layout,
    deinterleave,
    info_bits,
    interleave,
    parse_info_bits,
)
from gnuradio.semsat.phy.ldpc import LdpcCode
from gnuradio.semsat.phy.qam import BITS_PER_SYMBOL, FrameType

CODES = [(1800, 902), (300, 152), (100, 42)]


@pytest.mark.parametrize(("n", "k"), CODES)
@pytest.mark.parametrize("m", sorted(set(BITS_PER_SYMBOL.values())))
def test_symbol_count_gives_back_the_layout(n, k, m):
    """Every payload size maps to a symbol count that the receiver maps back to the same layout."""
    for size in [*range(1, 2000), MAX_PAYLOAD_BYTES]:
        layout = Layout.for_payload(size, n, k, m)
        assert Layout.from_symbols(layout.symbols, n, k, m) == layout
        assert OVERHEAD_BITS + 8 * size <= layout.info_bits <= layout.codewords * k
        assert layout.sent_code_bits <= layout.sent_bits < layout.sent_code_bits + m
    assert Layout.from_symbols(0, n, k, m) is None


def test_crc_rejects_every_corruption():
    """1 to 40 bit flips anywhere in the carried bits: never a payload that differs from the sent one."""
    rng = np.random.default_rng(5)
    layout = Layout.for_payload(40, 1800, 902, 2)
    payload = rng.bytes(40)
    bits = info_bits(payload, layout)
    assert parse_info_bits(bits, layout) == payload
    accepted = 0
    for trial in range(5000):
        corrupted = bits.copy()
        flips = rng.choice(layout.info_bits, size=1 + trial % 40, replace=False)
        corrupted[flips] ^= 1
        accepted += parse_info_bits(corrupted, layout) is not None
    assert accepted == 0


def test_crc_is_ieee_crc32_over_length_and_payload():
    layout = Layout.for_payload(3, 1800, 902, 2)
    bits = info_bits(b"abc", layout)
    framed = np.packbits(bits[: OVERHEAD_BITS + 24]).tobytes()
    assert framed[:2] == b"\x00\x03" and framed[2:5] == b"abc"
    assert int.from_bytes(framed[5:9], "big") == zlib.crc32(b"\x00\x03abc")


def test_random_bits_are_not_accepted():
    """Garbage (what a failed decoder may output) passes the length, zero and CRC checks about 2^-32 times."""
    rng = np.random.default_rng(6)
    layout = Layout.for_payload(100, 1800, 902, 4)
    assert all(
        parse_info_bits(rng.integers(0, 2, layout.codewords * 902).astype(np.uint8), layout) is None
        for _ in range(5000)
    )


@pytest.mark.parametrize("m", [2, 4, 6])
def test_interleaver_round_trip_spreads_symbol_bits(m):
    bits = np.arange(m * 50)
    mixed = interleave(bits, m)
    np.testing.assert_array_equal(deinterleave(mixed, m), bits)
    # The m bits of a symbol come from positions 50 apart.
    assert set(np.diff(mixed.reshape(-1, m), axis=1).ravel()) == {50}


@pytest.mark.parametrize("name", ["n_1800_k_0902_gap_28.alist", "n_0300_k_0152_gap_03.alist"])
def test_ldpc_noiseless_round_trip_and_parity(name):
    code = LdpcCode(name)
    rng = np.random.default_rng(1)
    info = rng.integers(0, 2, 3 * code.k).astype(np.uint8)
    coded = code.encode(info)
    assert coded.size == 3 * code.n
    np.testing.assert_array_equal(coded.reshape(3, -1)[:, code.info_positions].ravel(), info)
    # Strong LLRs in the gr-fec convention (positive = 1) decode to the info bits with no iteration.
    decoded, iterations = code.decode(np.where(coded == 1, 8.0, -8.0))
    np.testing.assert_array_equal(decoded, info)
    assert iterations == 0


def test_ldpc_corrects_errors_a_hard_decision_cannot():
    """30 flipped code bits (weak LLRs) in a codeword: BP corrects them all; hard decisions have 30 errors."""
    code = LdpcCode()
    rng = np.random.default_rng(2)
    info = rng.integers(0, 2, code.k).astype(np.uint8)
    llr = np.where(code.encode(info) == 1, 4.0, -4.0)
    flipped = rng.choice(code.n, 30, replace=False)
    llr[flipped] = -0.5 * llr[flipped]
    decoded, iterations = code.decode(llr)
    np.testing.assert_array_equal(decoded, info)
    assert iterations >= 1


def test_unknown_code_is_a_clear_error():
    with pytest.raises(ValueError, match="no LDPC alist file"):
        LdpcCode("no_such_code.alist")


@pytest.mark.parametrize("frame_type", list(BITS_PER_SYMBOL))
def test_codec_round_trip_all_sizes_noiseless(frame_type):
    codec = DigitalCodec("n_0300_k_0152_gap_03.alist")
    rng = np.random.default_rng(int(frame_type))
    for size in [1, 2, 13, 14, 15, 16, 17, 100, 257]:
        payload = rng.bytes(size)
        symbols = codec.encode(payload, FrameType(frame_type))
        assert symbols.size == codec.layout(size, FrameType(frame_type)).symbols
        assert codec.decode(symbols, 1e-3, FrameType(frame_type)).payload == payload

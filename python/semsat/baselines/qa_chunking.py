"""The bitstream's packets: one codeword each, a lost packet cuts the stream at the hole, the last-packet
flag tells a whole stream from a cut one, and the symbol count is what the digital path really sends."""

import pytest
from gnuradio.semsat.baselines.budget import codeword_payload_bytes, payload_symbols
from gnuradio.semsat.baselines.chunking import chunk_bytes, chunk_stream, received_prefix, stream_symbols
from gnuradio.semsat.ofdm_coded_link import shared_codec
from gnuradio.semsat.phy.qam import FrameType


def stream(n: int) -> bytes:
    return bytes((7 * i + 3) % 256 for i in range(n))


def test_every_packet_fits_one_codeword():
    for payload in chunk_stream(stream(1000)):
        assert shared_codec().layout(len(payload), FrameType.QPSK).codewords == 1
    assert shared_codec().layout(codeword_payload_bytes() + 1, FrameType.QPSK).codewords == 2


@pytest.mark.parametrize("n", [1, chunk_bytes(), chunk_bytes() + 1, 1000])
def test_whole_stream_comes_back_complete(n):
    packets = dict(enumerate(chunk_stream(stream(n))))
    prefix = received_prefix(packets)
    assert prefix.data == stream(n) and prefix.complete and prefix.packets == len(packets)


def test_a_lost_packet_cuts_the_stream_there():
    packets = dict(enumerate(chunk_stream(stream(1000))))
    del packets[3]
    prefix = received_prefix(packets)
    assert prefix.data == stream(1000)[: 3 * chunk_bytes()]
    assert not prefix.complete and prefix.packets == 3


def test_losing_the_last_packet_is_not_mistaken_for_the_end():
    packets = dict(enumerate(chunk_stream(stream(1000))))
    del packets[max(packets)]
    assert not received_prefix(packets).complete


def test_an_empty_packet_ends_the_prefix_and_nothing_arrived_is_empty():
    assert received_prefix({0: b""}) == received_prefix({})
    assert received_prefix({}).data == b"" and not received_prefix({}).complete
    with pytest.raises(ValueError):
        chunk_stream(b"")


def test_stream_symbols_are_the_sum_of_the_packets_symbols():
    for n in (1, 250, 1000):
        assert stream_symbols(n) == sum(payload_symbols(len(p)) for p in chunk_stream(stream(n)))

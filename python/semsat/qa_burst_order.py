"""burst_order: the (air_time_s, stream_id, seq) key that air_scheduler and frame_sequencer send bursts by."""

import random

import pmt
import pytest
from gnuradio.semsat.burst_order import burst_order


def burst_meta(**fields: int | float | str) -> pmt.pmt_base:
    """A meta dict as the encoders write it: integers as longs, air times as doubles."""
    meta = pmt.make_dict()
    for key, value in fields.items():
        if isinstance(value, int):
            value_pmt = pmt.from_long(value)
        elif isinstance(value, float):
            value_pmt = pmt.from_double(value)
        else:
            value_pmt = pmt.intern(value)
        meta = pmt.dict_add(meta, pmt.intern(key), value_pmt)
    return meta


def test_key_is_read_from_the_meta():
    assert burst_order(burst_meta(stream_id=3, seq=17, air_time_s=0.75)) == (0.75, 3, 17)
    key = burst_order(burst_meta(stream_id=3, seq=17, air_time_s=2))
    assert key == (2.0, 3, 17) and isinstance(key[0], float)


def test_a_burst_without_air_time_leaves_at_once():
    assert burst_order(burst_meta(stream_id=1, seq=0)) == (0.0, 1, 0)


def test_bursts_of_two_streams_go_slot_by_slot():
    # Two streams, one window each, interleaved over 4 bursts 250 ms apart (burst b at b * 0.25 s, seq b):
    # on the air every stream's burst b comes before any burst b + 1, the streams in id order within a slot.
    bursts = [(stream_id, b, 0.25 * b) for stream_id in (2, 1) for b in range(4)]
    shuffled = random.Random(0).sample(bursts, len(bursts))
    ordered = sorted(
        shuffled, key=lambda m: burst_order(burst_meta(stream_id=m[0], seq=m[1], air_time_s=m[2]))
    )
    assert [(stream_id, b) for stream_id, b, _ in ordered] == [(s, b) for b in range(4) for s in (1, 2)]


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (burst_meta(seq=1, air_time_s=0.0), "stream_id and seq"),
        (burst_meta(stream_id=1, air_time_s=0.0), "stream_id and seq"),
        (burst_meta(stream_id=1.0, seq=1), "stream_id and seq"),
        (burst_meta(stream_id=1, seq=1, air_time_s="soon"), "air_time_s"),
        (pmt.from_long(1), "dict"),
    ],
)
def test_a_pdu_that_is_not_a_burst_is_refused(meta: pmt.pmt_base, message: str):
    with pytest.raises(ValueError, match=message):
        burst_order(meta)

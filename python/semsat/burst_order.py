"""The order in which bursts go on the air, read from a symbol PDU's meta.

The encoders time-interleave each window (or packet) over bursts meant to leave far apart, each with its
place on the stream's clock (``air_time_s``), so that each burst meets its own fade: the bursts must leave
in the order of their air times, not in the order the encoders' threads finished them. Bursts of several
streams often share a slot; breaking those ties by stream id, then seq, makes the order (and so the IQ
stream and the fade each burst meets) a function of the bursts alone, the same from run to run and from
process to process. The digital receiver relies on it too: phy/burst_gatherer.py closes a packet from the
order in which its bursts arrive.
"""

from __future__ import annotations

import pmt

AIR_TIME_S = pmt.intern("air_time_s")
STREAM_ID = pmt.intern("stream_id")
SEQ = pmt.intern("seq")


def burst_order(meta: pmt.pmt_base) -> tuple[float, int, int]:
    """(air_time_s, stream_id, seq) of a burst's meta dict, the key its burst is sent by.

    A burst without ``air_time_s`` leaves at once (0.0). Raises ValueError when ``stream_id`` or ``seq`` is
    missing or not an integer, or ``air_time_s`` is not a number: such a PDU is not a burst of an encoder.
    """
    if not pmt.is_dict(meta):
        raise ValueError("a burst's meta must be a dict")
    stream_id = pmt.dict_ref(meta, STREAM_ID, pmt.PMT_NIL)
    seq = pmt.dict_ref(meta, SEQ, pmt.PMT_NIL)
    air_time_s = pmt.dict_ref(meta, AIR_TIME_S, pmt.from_double(0.0))
    if not (pmt.is_integer(stream_id) and pmt.is_integer(seq)):
        raise ValueError(f"a burst needs an integer stream_id and seq, got {stream_id} and {seq}")
    if not (pmt.is_real(air_time_s) or pmt.is_integer(air_time_s)):
        raise ValueError(f"air_time_s must be a number of seconds, got {air_time_s}")
    return float(pmt.to_double(air_time_s)), int(pmt.to_long(stream_id)), int(pmt.to_long(seq))

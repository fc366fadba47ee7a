"""Messages for the "ctrl" port of the semsat C++ blocks (ntn_tdl_channel_cc, doppler_cc)."""

from __future__ import annotations

import pmt


def control_message(offset: int | None = None, **values: float) -> pmt.pmt_t:
    """A PMT dict of run-time values (e.g. doppler=1e3, snr_db=10), applied at sample ``offset``.

    Without an offset the block applies the values at the next sample it processes.
    """
    msg = pmt.make_dict()
    if offset is not None:
        if offset < 0:
            raise ValueError(f"offset must be a sample index >= 0, got {offset}")
        msg = pmt.dict_add(msg, pmt.intern("offset"), pmt.from_uint64(int(offset)))
    for key, value in values.items():
        msg = pmt.dict_add(msg, pmt.intern(key), pmt.from_double(float(value)))
    return msg

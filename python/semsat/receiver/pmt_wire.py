"""A bounds check of PMT-serialized bytes before ``pmt.deserialize_str`` trusts the lengths they declare.

pmt::deserialize allocates whatever element count a uniform vector declares: 11 bytes can ask for gigabytes
(std::bad_alloc) or a second of copying. This walks the serialization (pmt_serialize.cc's tags) and accepts
only the types a semantic PDU uses, every length within the bytes actually present and nothing left over.
"""

from __future__ import annotations

import struct

MAX_ITEMS = 1024  # PMT objects in one message (a PDU has about 30)
_FIXED = {0x00: 0, 0x01: 0, 0x06: 0, 0x03: 4, 0x04: 8, 0x05: 16, 0x0B: 8, 0x0D: 8}  # bools, null, numbers
_SYMBOL, _PAIR, _DICT, _UNIFORM = 0x02, 0x07, 0x09, 0x0A
_ITEM_BYTES = (1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 8, 16)  # uniform vector types u8, s8, … f32, f64, c32, c64


def structure_problem(raw: bytes) -> str | None:
    """None when ``raw`` is one well-bounded PMT object of the allowed types, else what is wrong."""
    position, pending, items = 0, 1, 0  # objects still to read
    while pending:
        pending -= 1
        items += 1
        if items > MAX_ITEMS:
            return f"more than {MAX_ITEMS} PMT objects"
        if position >= len(raw):
            return "truncated PMT serialization"
        tag = raw[position]
        position += 1
        if tag in _FIXED:
            position += _FIXED[tag]
        elif tag == _SYMBOL:
            if position + 2 > len(raw):
                return "truncated PMT serialization"
            position += 2 + struct.unpack_from(">H", raw, position)[0]
        elif tag in (_PAIR, _DICT):
            pending += 2
        elif tag == _UNIFORM:
            if position + 6 > len(raw):
                return "truncated PMT serialization"
            kind, count, pad = struct.unpack_from(">BIB", raw, position)
            if kind >= len(_ITEM_BYTES):
                return f"unknown PMT uniform vector type {kind}"
            position += 6 + pad + count * _ITEM_BYTES[kind]
        else:
            return f"PMT type tag {tag:#04x} is not used by semantic messages"
        if position > len(raw):
            return "truncated PMT serialization (a length runs past the end)"
    if position != len(raw):
        return f"{len(raw) - position} bytes after the PMT object"
    return None

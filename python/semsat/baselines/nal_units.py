"""Annex B byte streams of H.264 / H.265: split into NAL units, drop the ones a receiver does not need.

x264 writes an SEI with its version and every option (~600 bytes) into the first access unit, x265 a
version SEI: at a budget of a few hundred bytes per clip that would be most of it. SEI and access unit
delimiters carry nothing the decoder needs to reconstruct the pictures, so they are not sent, and NAL units
are re-joined with 3-byte start codes.
"""

from __future__ import annotations

import re

START_CODE = b"\x00\x00\x01"
# NAL unit types that are not sent: H.264 SEI 6, AUD 9; H.265 AUD 35, prefix/suffix SEI 39/40.
DROPPED = {"h264": {6, 9}, "h265": {35, 39, 40}}


def nal_type(codec: str, nal: bytes) -> int:
    return nal[0] & 0x1F if codec == "h264" else (nal[0] >> 1) & 0x3F


def split_nal_units(data: bytes) -> list[bytes]:
    """NAL units of an Annex B stream (3- or 4-byte start codes), without start codes or trailing zeros."""
    starts = [m.end() for m in re.finditer(re.escape(START_CODE), data)]
    units = []
    for i, start in enumerate(starts):
        end = starts[i + 1] - len(START_CODE) if i + 1 < len(starts) else len(data)
        unit = data[start:end].rstrip(b"\x00") if i + 1 < len(starts) else data[start:end]
        if unit:
            units.append(unit)
    return units


def essential(codec: str, data: bytes) -> bytes:
    """``data`` without SEI and delimiter NAL units, with 3-byte start codes."""
    units = [u for u in split_nal_units(data) if nal_type(codec, u) not in DROPPED[codec]]
    return b"".join(START_CODE + u for u in units)

"""Stream ids on the PHY header for what the link sends: the codec's semantic streams (codec/streams.py:
face 1, text 2, phonemes 3, durations 4) and two on the digital path: knowledge-base updates and A2V's face
keyframes (the codec has no stream for keyframes, so they travel as bytes: CRC-32, LDPC, QPSK)."""

from __future__ import annotations

from ..semantic.codec.streams import STREAM_IDS

KB_UPDATE_STREAM = 10
KEYFRAME_STREAM = 11

# The report's name of each counted stream id (flush packets are not counted).
COUNTED = {
    **{i: name for name, i in STREAM_IDS.items()},
    KB_UPDATE_STREAM: "kb_update",
    KEYFRAME_STREAM: "face_keyframes",
}

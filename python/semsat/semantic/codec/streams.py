"""The four semantic streams of the codec and what one item of each is on the wire.

A stream is coded in windows of items: video frames of face parameters (12 floats each), text characters,
phoneme ids, phone durations (frames, coded as floats). Every item of a stream gets the same number of
complex channel symbols, so a window of n items always takes ``n * symbols_per_item`` symbols and the
decoder needs nothing but the symbols, their noise variances and n. The tables here are part of the wire
format: both ends must agree on them, so they live in code, not in a model file.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..extract.phonemes import PHONES
from ..features import FACE_PARAMS

# Text travels as lower-case characters: a 28-symbol alphabet codes any English sentence, where a word
# vocabulary (CMUdict, 126k words) would need a 30 MB embedding table and still miss names.
TEXT_ALPHABET = " abcdefghijklmnopqrstuvwxyz'"
_TEXT_IDS = {c: i for i, c in enumerate(TEXT_ALPHABET)}
SPACE_ID = 0

MAX_ITEMS = 256  # longest window a model codes (positions it has embeddings for)


class StreamKind(enum.Enum):
    FLOATS = "floats"  # linear projection in, MSE out
    TOKENS = "tokens"  # lookup in, cross-entropy out


@dataclass(frozen=True)
class StreamSpec:
    name: str
    kind: StreamKind
    width: int  # floats per item (FLOATS) or vocabulary size (TOKENS)
    symbols_per_item: int  # complex symbols per item at the full budget the model was trained for

    @property
    def encoder_file(self) -> str:
        return f"codec_{self.name}_encoder.onnx"

    @property
    def decoder_file(self) -> str:
        return f"codec_{self.name}_decoder.onnx"


# Symbols per item: face 6, its 12 values in 12 real channel dimensions (the V2A budget of 600 symbols per 3 s
# leaves the text ~125). Tokens need their bits at 4 dB through a fading channel, where a symbol carries on
# average about 1.4 bits (Rayleigh ergodic capacity at 4 dB) and a faded burst takes a quarter of them:
# text 5 (7 bits for a character's 4.8; face 450 + text 5 x 21-25 = 555-575 per GRID clip; with 4 a
# character had 87 % at 4 dB through OFDM + NTN-TDL-A); phonemes and durations, sent only in A2V where no
# cap applies, 8 and 8 (with 4 and 2 the phonemes had 80 % at 4 dB and the durations 97 % within a frame at
# 12 dB through OFDM + NTN-TDL-A; with 4 durations a sentence's long silences, whose errors shift all of
# A2V's lips, were decoded wrong in 25-36 % of burst-faded draws at 12 dB, with 8 in 12-16 %).
STREAMS: dict[str, StreamSpec] = {
    "face": StreamSpec("face", StreamKind.FLOATS, FACE_PARAMS, 6),
    "text": StreamSpec("text", StreamKind.TOKENS, len(TEXT_ALPHABET), 5),
    "phonemes": StreamSpec("phonemes", StreamKind.TOKENS, len(PHONES), 8),
    "durations": StreamSpec("durations", StreamKind.FLOATS, 1, 8),
}

# stream_id on the PHY (header and tags): the digital path uses 0 for its packets.
STREAM_IDS = {"face": 1, "text": 2, "phonemes": 3, "durations": 4}

# Which streams each semantic mode sends (DESIGN.md, Modes).
MODE_STREAMS = {"v2a": ("face", "text"), "a2v": ("text", "phonemes", "durations")}


def stream_spec(name: str) -> StreamSpec:
    try:
        return STREAMS[name]
    except KeyError:
        raise ValueError(f"unknown codec stream {name!r}; one of {', '.join(STREAMS)}") from None


def text_to_ids(text: str) -> npt.NDArray[np.int64]:
    """Character ids of ``text``: lower-cased, runs of anything outside the alphabet become one space."""
    ids: list[int] = []
    for c in text.lower():
        index = _TEXT_IDS.get(c, SPACE_ID)
        if index == SPACE_ID and (not ids or ids[-1] == SPACE_ID):
            continue
        ids.append(index)
    while ids and ids[-1] == SPACE_ID:
        ids.pop()
    return np.asarray(ids, dtype=np.int64)


def ids_to_text(ids: npt.ArrayLike) -> str:
    return "".join(TEXT_ALPHABET[int(i)] for i in np.asarray(ids).reshape(-1))

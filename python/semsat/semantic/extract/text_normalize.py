"""Text normalisation before scoring (WER) and before alignment: the spoken form of written words.

ASR writes "Bin blue at F2 now." or "Mr. Dashwood"; transcripts say "bin blue at f two now" and "mister
dashwood". Normalising both sides the same way scores what was heard, not how it was spelled:
lower case, punctuation removed (word-internal apostrophes kept: "don't"), hyphens split words, letter and
digit runs separated the GRID way ("k7" -> "k seven", "x4" -> "x four"), single digits spelled out
("9" -> "nine"), whole numbers below 1000 read as cardinals ("10" -> "ten"), longer digit runs read digit
by digit. Every other word is kept as it is.
"""

from __future__ import annotations

import re
import unicodedata

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = tuple("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Title abbreviations Whisper writes for words a transcript spells out; only unambiguous ones.
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus"}

# A token is a run of letters (with inner apostrophes) or a run of digits; everything else separates.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")
_THOUSANDS_SEPARATOR = re.compile(r"(?<=[0-9]),(?=[0-9]{3}\b)")


def number_words(digits: str) -> list[str]:
    """Spoken form of a digit string: cardinals below 1000, digit by digit beyond (codes, long numbers)."""
    value = int(digits)
    if (len(digits) > 1 and digits.startswith("0")) or value >= 1000:
        return [DIGIT_WORDS[int(d)] for d in digits]
    return _cardinal(value)


def _cardinal(value: int) -> list[str]:
    if value < 10:
        return [DIGIT_WORDS[value]]
    if value < 20:
        return [_TEENS[value - 10]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [_TENS[tens]] + ([DIGIT_WORDS[ones]] if ones else [])
    hundreds, rest = divmod(value, 100)
    return [DIGIT_WORDS[hundreds], "hundred"] + (_cardinal(rest) if rest else [])


def normalize_words(text: str) -> list[str]:
    """The spoken words of ``text``, normalised for scoring and alignment."""
    # Decompose accents so "café" keeps its letters ("cafe") instead of being split at the accent.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _THOUSANDS_SEPARATOR.sub("", text.replace("’", "'"))
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            words.extend(number_words(token))
        else:
            words.append(_ABBREVIATIONS.get(token, token))
    return words


def normalize_text(text: str) -> str:
    """``normalize_words`` joined by single spaces: "Bin blue at F2 now." -> "bin blue at f two now"."""
    return " ".join(normalize_words(text))

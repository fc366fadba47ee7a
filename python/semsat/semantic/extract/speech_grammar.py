"""Sentence grammars for constrained recognition: one word from each slot, in order (the GRID corpus).

A grammar is used two ways. pocketsphinx decodes with it directly (as JSGF). Whisper cannot be
constrained, so it is steered with a prompt of example sentences in the grammar's style and its output is
then snapped to the grammar sentence nearest in phones (a dynamic programme over the slots), which turns
"lay blue by sea to again" into "lay blue by c two again".
"""

from __future__ import annotations

from dataclasses import dataclass

from .pronunciation import pronounce
from .text_normalize import DIGIT_WORDS, normalize_words


@dataclass(frozen=True)
class SlotGrammar:
    name: str
    slot_names: tuple[str, ...]
    slots: tuple[tuple[str, ...], ...]
    # Example sentences for Whisper's prompt: in the grammar, none of them a test sentence.
    prompt: str

    def jsgf(self) -> str:
        """The grammar in JSGF for pocketsphinx."""
        rules = [
            f"<{n}> = {' | '.join(words)};" for n, words in zip(self.slot_names, self.slots, strict=True)
        ]
        sentence = " ".join(f"<{n}>" for n in self.slot_names)
        return "\n".join(
            [f"#JSGF V1.0;\ngrammar {self.name};", f"public <sentence> = {sentence};", *rules, ""]
        )

    def snap(self, text: str) -> str:
        """The grammar sentence whose phones are nearest (edit distance) to those of ``text``."""
        heard = [p for word in normalize_words(text) for p in pronounce(word)]
        return " ".join(_nearest_sentence(heard, self.slots))


def _nearest_sentence(heard: list[str], slots: tuple[tuple[str, ...], ...]) -> list[str]:
    """Phone edit distance minimised over one word per slot.

    cost[j] is the best cost of explaining the first j heard phones with the slots so far; each slot word
    is aligned against the heard phones starting from that cost row (a Levenshtein table whose first row
    is cost), and origin[] carries back where the word's phones began so the words can be read back.
    """
    n = len(heard)
    cost = [float(j) for j in range(n + 1)]  # before any slot: extra heard phones are insertions
    choices: list[list[tuple[str, int]]] = []  # per slot, per end j: (word, start j)
    for words in slots:
        best = [float("inf")] * (n + 1)
        picked: list[tuple[str, int]] = [("", 0)] * (n + 1)
        for word in words:
            row, origin = _align_word(pronounce(word), heard, cost)
            for j in range(n + 1):
                if row[j] < best[j]:
                    best[j], picked[j] = row[j], (word, origin[j])
        cost = best
        choices.append(picked)
    sentence = []
    j = n
    for picked in reversed(choices):
        word, j = picked[j]
        sentence.append(word)
    return sentence[::-1]


def _align_word(
    phones: list[str], heard: list[str], start_cost: list[float]
) -> tuple[list[float], list[int]]:
    n = len(heard)
    row = list(start_cost)
    origin = list(range(n + 1))
    for j in range(1, n + 1):  # heard phones skipped before this word: insertions
        if row[j - 1] + 1 < row[j]:
            row[j], origin[j] = row[j - 1] + 1, origin[j - 1]
    for phone in phones:
        new_row = [row[0] + 1] + [0.0] * n
        new_origin = [origin[0]] + [0] * n
        for j in range(1, n + 1):
            options = (
                (row[j - 1] + (phone != heard[j - 1]), origin[j - 1]),  # match or substitution
                (row[j] + 1, origin[j]),  # the word's phone was not heard: deletion
                (new_row[j - 1] + 1, new_origin[j - 1]),  # an extra heard phone: insertion
            )
            new_row[j], new_origin[j] = min(options, key=lambda o: o[0])
        row, origin = new_row, new_origin
    return row, origin


GRID = SlotGrammar(
    name="grid",
    slot_names=("command", "colour", "preposition", "letter", "digit", "adverb"),
    slots=(
        ("bin", "lay", "place", "set"),
        ("blue", "green", "red", "white"),
        ("at", "by", "in", "with"),
        tuple(chr(c) for c in range(ord("a"), ord("z") + 1) if chr(c) != "w"),
        DIGIT_WORDS,
        ("again", "now", "please", "soon"),
    ),
    prompt=(
        "Place green in Q 3 soon. Set white with S 1 please. Bin green by J 6 again. Lay white in L 8 soon."
    ),
)

GRAMMARS: dict[str, SlotGrammar] = {GRID.name: GRID}


def grammar_named(name: str) -> SlotGrammar:
    try:
        return GRAMMARS[name]
    except KeyError:
        raise ValueError(f"unknown grammar {name!r}; known: {', '.join(sorted(GRAMMARS))}") from None

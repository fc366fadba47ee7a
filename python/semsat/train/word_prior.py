"""How often English words are used, for the random sentences the text and phoneme codecs train on.

Drawn uniformly from CMUdict's 120k words, a training sentence is mostly words nobody says ("aaberg
abate..."), so the decoder learns no prior over the words real speech uses. The unigram probabilities of the
English language model that pocketsphinx ships (en-us.lm.bin) give one; flattened (power 3/4) and mixed
with a uniform share, so that names and rare words (a fifth of the draws) are still seen.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

FLATTEN = 0.75  # exponent on the unigram probabilities: the 1000 commonest words make half of the draws
UNIFORM_SHARE = 0.2


def unigram_log_probabilities(words: list[str]) -> np.ndarray:
    """Natural-log unigram probability of each word under pocketsphinx's English model (unknown words get
    the model's <UNK> probability)."""
    import pocketsphinx

    log_base = 1.0001  # pocketsphinx's default LogMath base: prob() answers in integer units of it
    model = pocketsphinx.NGramModel(
        pocketsphinx.Config(),
        pocketsphinx.LogMath(base=log_base),
        str(Path(pocketsphinx.get_model_path()) / "en-us" / "en-us.lm.bin"),
    )
    return np.array([model.prob([w]) for w in words], dtype=np.float64) * math.log(log_base)


class WordPrior:
    """Draws words: with probability proportional to (unigram probability) ** FLATTEN, or uniformly."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        flattened = np.exp(FLATTEN * (unigram_log_probabilities(words)))
        weights = (1.0 - UNIFORM_SHARE) * flattened / flattened.sum() + UNIFORM_SHARE / len(words)
        self._cumulative = np.cumsum(weights / weights.sum())

    def draw(self, rng: np.random.Generator) -> str:
        index = int(np.searchsorted(self._cumulative, rng.random(), side="right"))
        return self.words[min(index, len(self.words) - 1)]

"""Forced alignment of a transcript to speech with pocketsphinx: word and phone spans in milliseconds.

Two passes (dependencies.md): ``set_align_text`` + decode gives word segments, ``set_alignment`` + decode
again gives words -> phones. ``hyp()`` is never called in alignment mode (it crashes the process there).
The result tiles the utterance: phone spans are contiguous from 0 to the audio's length, with pauses and
the silence around the speech as SIL, and no phone shorter than MIN_PHONE_MS, because the receiver
rebuilds speech timing from these spans and an aligner glitch would otherwise carry straight through.

Words missing from pocketsphinx's dictionary get CMUdict's or a letter-to-sound pronunciation. When the
aligner cannot fit the transcript to the audio at all (a transcript far too long, noise only), the phones
are spread evenly over the audible part with a warning, and the result says so (``method == "even"``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from pocketsphinx import Decoder

from .phonemes import SILENCE, phone_id
from .pronunciation import pronounce
from .speech_audio import SPEECH_RATE, as_speech_audio, has_speech, pcm16
from .text_normalize import normalize_words

MIN_PHONE_MS = 10.0
NO_WORD = -1
_PAUSE_WORDS = frozenset({"<s>", "</s>", "<sil>"})
_ALTERNATE_SUFFIX = re.compile(r"\(\d+\)$")  # pocketsphinx names a word's 2nd pronunciation "word(2)"


@dataclass
class Alignment:
    """Words and phones of an utterance of ``duration_ms``; phone spans tile [0, duration_ms]."""

    words: list[str]
    word_spans_ms: npt.NDArray[np.float32]  # [W, 2] start, end
    phones: list[str]  # ARPAbet without stress, SIL for pauses
    phone_spans_ms: npt.NDArray[np.float32]  # [P, 2]
    phone_word_index: npt.NDArray[np.int16]  # [P], NO_WORD for SIL
    duration_ms: float
    method: str  # "pocketsphinx", "even" (aligner failed), "silence" (nothing to align)


@dataclass
class _Phone:
    name: str
    start_ms: float
    end_ms: float
    word: int


# Forced alignment searches the paths of one transcript only, so pruning buys little speed; with the
# default beams (1e-48) an imperfect transcript (a wrong or out-of-vocabulary word) lost every path and
# the alignment failed. With these the corpus alignments stay the same and cost ~+30% (0.03 s per s).
_ALIGNMENT_BEAM = 1e-200


@cache
def _aligner() -> tuple[Decoder, str]:
    """The alignment decoder and its initial cepstral mean."""
    # bestpath=False as in pocketsphinx's own phone-alignment test: the alignment search needs it.
    decoder = Decoder(
        samprate=SPEECH_RATE,
        loglevel="FATAL",
        lm=None,
        bestpath=False,
        beam=_ALIGNMENT_BEAM,
        pbeam=_ALIGNMENT_BEAM,
        wbeam=_ALIGNMENT_BEAM,
    )
    return decoder, decoder.get_cmn()


def _ensure_pronounceable(decoder: Decoder, words: list[str]) -> None:
    for word in set(words):
        if decoder.lookup_word(word) is None:
            decoder.add_word(word, " ".join(pronounce(word)), True)


def _decode(decoder: Decoder, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, no_search=False, full_utt=True)
    decoder.end_utt()


def _pocketsphinx_phones(audio: npt.NDArray[np.float32], words: list[str]) -> list[_Phone] | None:
    """Phones in aligner order, or None when pocketsphinx cannot align the words to this audio."""
    decoder, initial_cmn = _aligner()
    _ensure_pronounceable(decoder, words)
    # Cepstral mean normalisation adapts across utterances; start each from the same state so the
    # alignment of a clip does not depend on what was aligned before it.
    decoder.set_cmn(initial_cmn)
    pcm = pcm16(audio)
    ms_per_frame = 1000.0 / int(decoder.config["frate"])
    try:
        decoder.set_align_text(" ".join(words))
        _decode(decoder, pcm)
        # seg() yields None when the search found no path through the transcript.
        first_pass = [s.word for s in decoder.seg()]
        if not first_pass:
            return None
        decoder.set_alignment()
        _decode(decoder, pcm)
        # Read each entry's phones while iterating: an entry kept past its iterator step points at
        # freed memory and segfaults when its phones are read later.
        entries = [
            (entry.name, entry.start, entry.duration, [(p.name, p.start, p.duration) for p in entry])
            for entry in decoder.get_alignment()
        ]
    except (RuntimeError, TypeError):
        return None
    phones: list[_Phone] = []
    word_index = 0
    for entry_name, entry_start, entry_duration, entry_phones in entries:
        name = _ALTERNATE_SUFFIX.sub("", entry_name)
        if name in _PAUSE_WORDS or name.startswith("["):  # pauses and noise fillers ([NOISE])
            start = entry_start * ms_per_frame
            phones.append(_Phone(SILENCE, start, start + entry_duration * ms_per_frame, NO_WORD))
            continue
        if word_index >= len(words) or name != words[word_index]:
            return None
        for phone_name, phone_start, phone_duration in entry_phones:
            start = phone_start * ms_per_frame
            phones.append(_Phone(phone_name, start, start + phone_duration * ms_per_frame, word_index))
        word_index += 1
    return phones if word_index == len(words) else None


def _even_phones(audio: npt.NDArray[np.float32], words: list[str], duration_ms: float) -> list[_Phone]:
    """Fallback timing: the words' phones spread evenly over the span where the audio is loud."""
    window = SPEECH_RATE // 100
    n = audio.size // window
    levels = 10 * np.log10(np.mean(np.square(audio[: n * window].reshape(n, window)), axis=1) + 1e-12)
    loud = np.flatnonzero(levels > levels.max() - 30.0)  # n >= 10: only audio with speech gets here
    start_ms, end_ms = loud[0] * 10.0, min(duration_ms, (loud[-1] + 1) * 10.0)
    names = [(p, w) for w, word in enumerate(words) for p in pronounce(word)]
    edges = np.linspace(start_ms, end_ms, len(names) + 1)
    return [
        _Phone(p, float(a), float(b), w) for (p, w), a, b in zip(names, edges[:-1], edges[1:], strict=True)
    ]


def _tile(phones: list[_Phone], duration_ms: float) -> list[_Phone]:
    """Contiguous spans over [0, duration_ms]: gaps and the ends become SIL, adjacent SILs merge."""
    tiled: list[_Phone] = []
    cursor = 0.0
    for phone in phones:
        start, end = min(max(phone.start_ms, cursor), duration_ms), min(phone.end_ms, duration_ms)
        if start > cursor:
            tiled.append(_Phone(SILENCE, cursor, start, NO_WORD))
        if end > start or phone.word != NO_WORD:  # a word's phone is never dropped, even if squeezed
            tiled.append(_Phone(phone.name, start, max(end, start), phone.word))
            cursor = max(end, start)
    if cursor < duration_ms:
        tiled.append(_Phone(SILENCE, cursor, duration_ms, NO_WORD))
    merged: list[_Phone] = []
    for phone in tiled:
        if merged and phone.name == SILENCE and merged[-1].name == SILENCE:
            merged[-1].end_ms = phone.end_ms
        else:
            merged.append(phone)
    return merged


def _drop_short_pauses(phones: list[_Phone]) -> list[_Phone]:
    """A pause shorter than MIN_PHONE_MS carries no timing: its time joins the phone before (or after)."""
    kept: list[_Phone] = []
    leading_start: float | None = None
    for phone in phones:
        if phone.name == SILENCE and phone.end_ms - phone.start_ms < MIN_PHONE_MS and len(phones) > 1:
            if kept:
                kept[-1].end_ms = phone.end_ms
            else:
                leading_start = phone.start_ms
            continue
        if leading_start is not None:
            phone.start_ms, leading_start = leading_start, None
        kept.append(phone)
    return kept


def enforce_min_duration(bounds: npt.NDArray[np.float64], min_ms: float) -> npt.NDArray[np.float64]:
    """Moves inner boundaries so every span is at least ``min_ms``, taking time from longer neighbours.

    ``bounds`` holds P+1 increasing boundaries; the ends stay fixed. If the total is shorter than P spans
    of ``min_ms``, the spans become equal.
    """
    bounds = np.array(bounds, dtype=np.float64)
    count = bounds.size - 1
    total = bounds[-1] - bounds[0]
    if np.all(np.diff(bounds) >= min_ms):
        return bounds
    if total < count * min_ms:
        return np.linspace(bounds[0], bounds[-1], count + 1)
    # Each span keeps at least min_ms; the time above that is shared out in proportion to what each span
    # had above min_ms, which leaves already-long spans nearly untouched.
    excess = np.maximum(np.diff(bounds) - min_ms, 0.0)
    spare = total - count * min_ms
    durations = min_ms + (excess * (spare / excess.sum()) if excess.sum() > 0 else spare / count)
    return np.concatenate([[bounds[0]], bounds[0] + np.cumsum(durations)])


def _silence(duration_ms: float) -> Alignment:
    return Alignment(
        words=[],
        word_spans_ms=np.zeros((0, 2), np.float32),
        phones=[SILENCE],
        phone_spans_ms=np.array([[0.0, duration_ms]], np.float32),
        phone_word_index=np.array([NO_WORD], np.int16),
        duration_ms=duration_ms,
        method="silence",
    )


def align(audio: npt.ArrayLike, sample_rate: int, transcript: str) -> Alignment:
    """Word and phone spans of ``transcript`` (normalised with text_normalize) spoken in ``audio``.

    Silent or too-short audio, or a transcript without words, gives one SIL span over the whole audio.
    """
    samples = as_speech_audio(audio, sample_rate)
    duration_ms = 1000.0 * samples.size / SPEECH_RATE
    words = normalize_words(transcript)
    if not words or not has_speech(samples):
        return _silence(duration_ms)
    phones = _pocketsphinx_phones(samples, words)
    method = "pocketsphinx"
    if phones is None:
        warnings.warn(
            f"pocketsphinx could not align {len(words)} words to {duration_ms / 1000:.2f} s of audio; "
            "phones are spread evenly over the audible part",
            stacklevel=2,
        )
        phones, method = _even_phones(samples, words, duration_ms), "even"
    phones = _drop_short_pauses(_tile(phones, duration_ms))
    bounds = [p.start_ms for p in phones] + [duration_ms]
    bounds = enforce_min_duration(np.asarray(bounds), MIN_PHONE_MS)
    spans = np.stack([bounds[:-1], bounds[1:]], axis=1).astype(np.float32)
    word_index = np.array([p.word for p in phones], np.int16)
    word_spans = np.array(
        [[spans[word_index == w, 0].min(), spans[word_index == w, 1].max()] for w in range(len(words))],
        np.float32,
    ).reshape(-1, 2)
    names = [p.name for p in phones]
    for name in names:
        phone_id(name)  # the acoustic model's phones are semsat's: fail loudly if that ever changes
    return Alignment(words, word_spans, names, spans, word_index, duration_ms, method)

"""Speech recognition for the sender: Whisper base (faster-whisper, int8, one thread) or pocketsphinx.

Whisper is the accurate engine (the paper's); pocketsphinx is the light fallback and also runs whenever
faster-whisper or its weights cannot load (a warning says so, and the result names the engine that ran).
A sentence grammar (``grammar="grid"``) constrains the result to the grammar: pocketsphinx decodes with it
as JSGF; Whisper is prompted with example sentences of the grammar and its words are snapped to the
nearest grammar sentence in phones. On the five GRID clips that gave WER 0 with Whisper against 0.20 with
pocketsphinx+JSGF, so Whisper+snap is the grammar default (see qa_asr.py for the measured numbers).

Models load once per process; the engines are not thread-safe (one decoder each).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pocketsphinx import Decoder

from .speech_audio import SPEECH_RATE, as_speech_audio, has_speech, pcm16
from .speech_grammar import SlotGrammar, grammar_named
from .whisper_weights import WhisperWeightsError, whisper_base_dir

Engine = Literal["whisper", "pocketsphinx"]
ENGINES: tuple[str, ...] = ("whisper", "pocketsphinx")

# Beams 1 and 5 scored about the same on the development speech (GRID open vocabulary, normalised: 0.30
# against 0.33; dev speech equal) at the same cost; 5 is Whisper's reference setting, the safer one on
# longer and noisier speech.
WHISPER_BEAM_SIZE = 5


@dataclass(frozen=True)
class Recognition:
    text: str
    engine: str  # what actually ran: "whisper-base", "pocketsphinx", with "+<grammar>" when constrained


@cache
def _whisper() -> Any | None:
    """The Whisper base model, or None (with a warning) when it cannot load here."""
    # Weights come from a local folder; this keeps huggingface_hub from trying the network at all.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from faster_whisper import WhisperModel

        return WhisperModel(
            str(whisper_base_dir()), device="cpu", compute_type="int8", cpu_threads=1, num_workers=1
        )
    except (ImportError, WhisperWeightsError, RuntimeError, OSError, ValueError) as e:
        warnings.warn(f"faster-whisper cannot load Whisper base ({e}); using pocketsphinx", stacklevel=3)
        return None


@cache
def _pocketsphinx(grammar_name: str | None) -> tuple[Decoder, str]:
    """A decoder (language model, or the grammar as JSGF) and its initial cepstral mean."""
    if grammar_name is None:
        decoder = Decoder(samprate=SPEECH_RATE, loglevel="FATAL")
    else:
        decoder = Decoder(samprate=SPEECH_RATE, loglevel="FATAL", lm=None)
        decoder.add_jsgf_string(grammar_name, grammar_named(grammar_name).jsgf())
        decoder.activate_search(grammar_name)
    return decoder, decoder.get_cmn()


def _run_whisper(model: Any, audio: npt.NDArray[np.float32], prompt: str | None) -> str:
    segments, _ = model.transcribe(
        audio,
        language="en",
        beam_size=WHISPER_BEAM_SIZE,
        # One temperature: no random re-decoding, so the same audio always gives the same text.
        temperature=0.0,
        initial_prompt=prompt,
        without_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
    )
    return " ".join(segment.text.strip() for segment in segments).strip()


def _run_pocketsphinx(grammar_name: str | None, audio: npt.NDArray[np.float32]) -> str:
    decoder, initial_cmn = _pocketsphinx(grammar_name)
    # The cepstral mean adapts from one utterance to the next; restarting from the same state makes the
    # text of a recording independent of what was recognised before it.
    decoder.set_cmn(initial_cmn)
    decoder.start_utt()
    decoder.process_raw(pcm16(audio), no_search=False, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr if hypothesis is not None else ""


def recognize(
    audio: npt.ArrayLike,
    sample_rate: int = SPEECH_RATE,
    engine: Engine = "whisper",
    grammar: str | None = None,
) -> Recognition:
    """Text of the speech in ``audio`` and the engine that produced it; "" for silence or too-short audio.

    Open-vocabulary text is the engine's own writing ("Bin blue at F2 now."): normalise it with
    text_normalize before scoring. With a grammar the text is the grammar's words.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown ASR engine {engine!r}; use one of {', '.join(ENGINES)}")
    constraint: SlotGrammar | None = grammar_named(grammar) if grammar is not None else None
    suffix = f"+{grammar}" if grammar else ""
    samples = as_speech_audio(audio, sample_rate)
    model = _whisper() if engine == "whisper" else None
    used = ("whisper-base" if model is not None else "pocketsphinx") + suffix
    if not has_speech(samples):
        return Recognition("", used)
    if model is None:
        return Recognition(_run_pocketsphinx(grammar, samples), used)
    text = _run_whisper(model, samples, constraint.prompt if constraint else None)
    if constraint is not None and text:
        text = constraint.snap(text)
    return Recognition(text, used)


def transcribe(
    audio: npt.ArrayLike,
    sample_rate: int = SPEECH_RATE,
    engine: Engine = "whisper",
    grammar: str | None = None,
) -> str:
    """``recognize(...).text``."""
    return recognize(audio, sample_rate, engine, grammar).text

"""ASR against the corpus's own transcripts (MANIFEST.tsv), text normalisation and the GRID grammar.

Measured on this 2-core machine (Whisper base int8, beam 5), mean WER over the five GRID clips: open
vocabulary 0.57 with only case and punctuation removed ("k7" stays one word), 0.33 after spelling out
letters and digits; with the GRID grammar (prompt + snapping) 0.00. pocketsphinx: 0.80 open vocabulary,
0.20 with the grammar as JSGF. All 22 dev speech files (normalised): Whisper 0.02, pocketsphinx 0.29.
"""

from __future__ import annotations

from pathlib import Path

import jiwer
import numpy as np
import pytest
from gnuradio.semsat.media.clip import read_audio
from gnuradio.semsat.media.manifest import read_manifest
from gnuradio.semsat.semantic.extract import asr, whisper_weights
from gnuradio.semsat.semantic.extract.speech_grammar import GRID, grammar_named
from gnuradio.semsat.semantic.extract.text_normalize import normalize_text, normalize_words
from gnuradio.semsat.testing_media import require_media

# One recording per dev speaker: Whisper costs ~1 s per call here, so the full list is in the module notes.
DEV_SPEECH = (
    "speech/pocketsphinx_librivox_sense_and_sensibility_0880.wav",
    "speech/pocketsphinx_cards_005.wav",
    "speech/speechbrain_spk1_snt2.wav",
    "speech/alsa_Front_Left.wav",
)


def _transcripts(media: Path) -> dict[str, str]:
    return {e.file: e.transcript for e in read_manifest(media) if e.transcript is not None}


@pytest.fixture(scope="module")
def grid() -> list[tuple[np.ndarray, str]]:
    media = require_media()
    return [(read_audio(media / f), t) for f, t in sorted(_transcripts(media).items()) if "grid_" in f]


def _mean_wer(pairs: list[tuple[str, str]]) -> float:
    return float(np.mean([jiwer.wer(reference, hypothesis or "<empty>") for reference, hypothesis in pairs]))


def _case_and_punctuation(text: str) -> str:
    return " ".join(jiwer.RemovePunctuation()(text.lower()).split())


def test_normalization_spells_letters_and_digits_the_grid_way():
    assert normalize_text("k7") == "k seven"
    assert normalize_text("F2") == "f two"
    assert normalize_text("9") == "nine"
    assert normalize_text("x4") == "x four"
    assert normalize_text("bin blue at F2 now") == "bin blue at f two now"
    assert normalize_text("Lay red with P9 again.") == "lay red with p nine again"
    assert normalize_text("0 1 2 3 4 5 6 7 8 9") == "zero one two three four five six seven eight nine"


def test_normalization_keeps_words_and_reads_numbers():
    assert normalize_text("And Mr. John Dashwood, ill-disposed!") == "and mister john dashwood ill disposed"
    assert normalize_text("Don't go forward 10 meters.") == "don't go forward ten meters"
    assert normalize_text("1,250 ships in 1811") == "one two five zero ships in one eight one one"
    assert normalize_text("  ...?! ") == ""
    assert normalize_words("Café au lait") == ["cafe", "au", "lait"]


def test_grid_grammar_jsgf_and_snapping():
    jsgf = GRID.jsgf()
    assert "public <sentence> = <command> <colour> <preposition> <letter> <digit> <adverb>;" in jsgf
    assert "| w |" not in jsgf and "| x | y | z;" in jsgf
    # Whisper's open-vocabulary mistakes on the GRID clips, snapped to the grammar by sound.
    assert GRID.snap("Lay blue by sea to again.") == "lay blue by c two again"
    assert GRID.snap("Been read by K7 now.") == "bin red by k seven now"
    assert GRID.snap("Late blue, a text 4 now.") == "lay blue at x four now"
    assert len(GRID.snap("something else entirely").split()) == 6
    with pytest.raises(ValueError, match="unknown grammar"):
        grammar_named("timit")


def test_whisper_open_vocabulary_wer_on_grid(grid):
    hypotheses = [(t, asr.recognize(audio).text) for audio, t in grid]
    raw = _mean_wer([(t, _case_and_punctuation(h)) for t, h in hypotheses])
    normalized = _mean_wer([(t, normalize_text(h)) for t, h in hypotheses])
    print(f"GRID open-vocabulary WER, Whisper base: {raw:.3f} raw, {normalized:.3f} normalized")
    assert normalized <= 0.45
    assert normalized <= raw


def test_whisper_with_grid_grammar(grid):
    recognitions = [(t, asr.recognize(audio, grammar="grid")) for audio, t in grid]
    wer = _mean_wer([(t, r.text) for t, r in recognitions])
    print(f"GRID WER, Whisper base + GRID prompt and snapping: {wer:.3f}")
    assert all(r.engine == "whisper-base+grid" for _, r in recognitions)
    assert wer <= 0.10


def test_pocketsphinx_open_vocabulary_and_jsgf_on_grid(grid):
    open_vocabulary = _mean_wer(
        [(t, normalize_text(asr.transcribe(a, engine="pocketsphinx"))) for a, t in grid]
    )
    jsgf = _mean_wer([(t, asr.transcribe(a, engine="pocketsphinx", grammar="grid")) for a, t in grid])
    print(f"GRID WER, pocketsphinx: {open_vocabulary:.3f} open vocabulary, {jsgf:.3f} with JSGF")
    # The light engine: only a sanity bound, and the grammar must help it.
    assert jsgf <= 0.35
    assert jsgf < open_vocabulary


def test_whisper_on_dev_speech():
    media = require_media()
    transcripts = _transcripts(media)
    pairs = [(transcripts[f], normalize_text(asr.transcribe(read_audio(media / f)))) for f in DEV_SPEECH]
    wer = _mean_wer(pairs)
    print(f"dev speech WER (4 speakers), Whisper base: {wer:.3f}")
    assert wer <= 0.15


def test_silence_and_too_short_audio_give_empty_text():
    rng = np.random.default_rng(1)
    assert asr.transcribe(np.zeros(32000, np.float32)) == ""
    assert asr.transcribe(np.zeros(640, np.float32), engine="pocketsphinx") == ""  # one 40 ms video frame
    assert (
        asr.transcribe(rng.normal(0, 1e-4, 16000).astype(np.float32), grammar="grid") == ""
    )  # -80 dBFS hiss
    assert asr.transcribe(np.zeros(0, np.float32)) == ""


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="NaN or inf"):
        asr.transcribe(np.full(16000, np.nan, np.float32))
    with pytest.raises(ValueError, match="NaN or inf"):
        asr.transcribe(np.full(16000, np.inf, np.float32))
    with pytest.raises(ValueError, match="mono"):
        asr.transcribe(np.zeros((2, 16000), np.float32))
    with pytest.raises(ValueError, match="float samples"):
        asr.transcribe(np.zeros(16000, np.int16))
    with pytest.raises(ValueError, match="sample_rate"):
        asr.transcribe(np.zeros(16000, np.float32), sample_rate=0)
    with pytest.raises(ValueError, match="unknown ASR engine"):
        asr.transcribe(np.zeros(16000, np.float32), engine="kaldi")


def test_whisper_weights_are_assembled_atomically_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = whisper_weights.whisper_base_dir()
    assert folder == tmp_path / "gr-semsat" / "whisper-base"
    model = folder / whisper_weights.MODEL_FILE
    assert model.stat().st_size == 145_217_532  # the two halves of the packages
    expected = {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"}
    assert {p.name for p in folder.iterdir()} == expected  # no temporary file left behind
    with open(model, "r+b") as f:  # a truncated file (crash of an older writer, full disk) is rebuilt
        f.truncate(1000)
    assert whisper_weights.whisper_base_dir() == folder and model.stat().st_size == 145_217_532


def test_pocketsphinx_stands_in_when_whisper_cannot_load(monkeypatch):
    def missing() -> None:
        raise whisper_weights.WhisperWeightsError("weights missing (simulated)")

    monkeypatch.setattr(asr, "whisper_base_dir", missing)
    asr._whisper.cache_clear()
    try:
        with pytest.warns(UserWarning, match="using pocketsphinx"):
            result = asr.recognize(read_audio(require_media() / "speech/pocketsphinx_goforward.wav"))
        assert result.engine == "pocketsphinx" and normalize_text(result.text) == "go forward ten meters"
    finally:
        asr._whisper.cache_clear()  # the next user loads the real model again

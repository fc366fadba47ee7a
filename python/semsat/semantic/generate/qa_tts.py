"""flite wrapper: 16 kHz float speech, duration_stretch lengthens it, clear errors for bad input or a
missing flite."""

from __future__ import annotations

import numpy as np
import pytest
from gnuradio.semsat.semantic.generate import tts


def test_reads_text_at_16k_and_stretches():
    plain = tts.synthesize("bin blue at f two now", "kal16")
    slow = tts.synthesize("bin blue at f two now", "kal16", duration_stretch=1.5)
    assert plain.dtype == np.float32 and 1.0 < plain.size / 16_000 < 3.0
    assert 1.3 < slow.size / plain.size < 1.7
    assert tts.synthesize("  ", "slt").size == 0


def test_bad_input_and_missing_flite_are_clear(monkeypatch):
    with pytest.raises(ValueError, match="unknown flite voice"):
        tts.synthesize("hello", "nobody")
    with pytest.raises(ValueError, match="duration_stretch"):
        tts.synthesize("hello", "slt", duration_stretch=0.0)
    monkeypatch.setattr(tts.shutil, "which", lambda _: None)
    with pytest.raises(tts.TtsError, match="apt-get install flite"):
        tts.synthesize("hello", "slt")

"""Time-warp pieces: phone matching across pronunciation variants, and a warp onto spans that lasts exactly
as long as the spans and is silent in their pauses."""

from __future__ import annotations

import numpy as np
from gnuradio.semsat.semantic.extract.alignment import align
from gnuradio.semsat.semantic.generate.time_warp import PitchTarget, match_phones, warp_to_spans
from gnuradio.semsat.semantic.generate.tts import synthesize


def test_match_phones_skips_an_extra_phone_and_keeps_substitutions():
    assert match_phones(["B", "IH", "N"], ["B", "IH", "N"]) == [(0, 0), (1, 1), (2, 2)]
    assert match_phones(["B", "IH", "N"], ["B", "AH", "N"]) == [(0, 0), (1, 1), (2, 2)]
    assert match_phones(["B", "IH", "N"], ["B", "IH", "T", "N"]) == [(0, 0), (1, 1), (2, 3)]
    assert match_phones([], ["B"]) == []


def test_warp_lasts_the_target_and_is_silent_in_pauses():
    reading = synthesize("go forward", "kal16")
    source = align(reading, 16_000, "go forward")
    phones = ["SIL", "G", "OW", "F", "AO", "R", "W", "ER", "D", "SIL"]
    ends = np.array([300, 380, 560, 640, 760, 820, 880, 1000, 1080, 1600], float)
    spans = np.stack([np.concatenate([[0], ends[:-1]]), ends], axis=1)
    out = warp_to_spans(reading, source, phones, spans, PitchTarget(200.0))
    assert out.size == 1600 * 16
    lead, speech = out[: 280 * 16], out[320 * 16 : 1060 * 16]
    assert np.sqrt(np.mean(lead**2)) < 0.01 * np.sqrt(np.mean(speech**2))

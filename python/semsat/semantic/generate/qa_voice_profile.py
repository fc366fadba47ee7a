"""Voice profile: a male GRID speaker's median F0 below a female's, the flite voice chosen by F0, a JSON
round trip, clear errors for a malformed dict, and a usable default for audio without voice."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gnuradio.semsat.semantic.extract.alignment import align
from gnuradio.semsat.semantic.generate.speech_testing import corpus
from gnuradio.semsat.semantic.generate.voice_profile import (
    ENVELOPE_BINS,
    VoiceProfile,
    voice_profile_from_clip,
)

MALE, FEMALE = "grid_bbaf2n", "grid_brbk7n"  # G1 male, G2 female (MANIFEST.tsv)


def profile(name: str) -> VoiceProfile:
    return next(r.profile for r in corpus() if r.name == name)


def test_male_speaker_is_lower_and_gets_the_male_voice():
    male, female = profile(MALE), profile(FEMALE)
    print(f"F0 median male {male.f0_median_hz:.0f} Hz, female {female.f0_median_hz:.0f} Hz")
    assert male.f0_median_hz < female.f0_median_hz
    assert male.f0_p10_hz < male.f0_median_hz < male.f0_p90_hz
    assert (male.flite_voice, female.flite_voice) == ("kal16", "slt")
    assert male.spectral_envelope_db.shape == (ENVELOPE_BINS,)
    assert 5 < male.speaking_rate_phones_per_s < 25


def test_round_trip_through_json():
    original = profile(FEMALE)
    restored = VoiceProfile.from_dict(json.loads(json.dumps(original.to_dict())))
    assert restored.to_dict() == original.to_dict()
    np.testing.assert_array_equal(restored.spectral_envelope_db, original.spectral_envelope_db)


def test_malformed_dict_is_refused_clearly():
    values = profile(MALE).to_dict()
    with pytest.raises(ValueError, match="not a voice profile"):
        VoiceProfile.from_dict({k: v for k, v in values.items() if k != "f0_median_hz"})
    with pytest.raises(ValueError, match="513"):
        VoiceProfile.from_dict({**values, "spectral_envelope_db": [0.0] * 10})
    with pytest.raises(ValueError, match="positive"):
        VoiceProfile.from_dict({**values, "f0_median_hz": float("nan")})


def test_audio_without_voice_gets_a_default_profile():
    silence = np.zeros(16_000, np.float32)
    result = voice_profile_from_clip(silence, 16_000, align(silence, 16_000, ""))
    assert result.flite_voice == "kal16" and result.f0_median_hz > 0

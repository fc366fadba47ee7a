"""run_baseline: each mode by name with the budget the issue sets from the clip's V2A symbols, through the
real links (20 dB AWGN), audio included."""

import numpy as np
import pytest
from gnuradio.semsat.baselines import run_baseline
from gnuradio.semsat.baselines import testing_clips as tc
from gnuradio.semsat.baselines.budget import H26X_BUDGET_FACTOR, v2a_symbols
from gnuradio.semsat.baselines.carry import analog_ofdm_carry, digital_ofdm_carry
from gnuradio.semsat.baselines.channel import LinkChannel

CLIP = "grid_brbk7n"


@pytest.mark.parametrize("mode", ["h264", "svc"])
def test_each_mode_within_its_budget_with_codec2_audio(mode):
    case = tc.grid_case(CLIP)
    channel = LinkChannel("awgn", 20.0)
    result = run_baseline(
        mode,
        case.clip,
        case.features,
        digital_ofdm_carry(channel),
        analog_ofdm_carry(channel),
        tc.held_out_codebook(CLIP),
    )
    v2a = v2a_symbols(case.features)
    video = result.symbols["video" if mode == "h264" else "keypoints"]
    print(f"{mode} {CLIP}: {result.symbols} (V2A {v2a})")
    assert video <= (H26X_BUDGET_FACTOR if mode == "h264" else 1) * v2a
    assert result.frames.shape == case.clip.frames.shape and not result.lost.any()
    assert result.audio is not None and result.audio.lost_share == 0.0
    assert result.audio.audio.shape == case.clip.audio.shape and np.isfinite(result.audio.audio).all()


def test_unknown_mode_or_missing_svc_parts_are_refused():
    case = tc.grid_case(CLIP)
    carry = digital_ofdm_carry(LinkChannel("awgn", 20.0))
    with pytest.raises(ValueError, match="unknown baseline"):
        run_baseline("mpeg2", case.clip, case.features, carry)
    with pytest.raises(ValueError, match="codebook"):
        run_baseline("svc", case.clip, case.features, carry)

"""H.264+LDPC and H.265+LDPC over the real coded OFDM link (digital_encoder -> ofdm_mapper -> channel ->
ofdm_demapper -> digital_decoder) on a real GRID clip, at ten times V2A's symbols for the clip.

- At 20 dB (AWGN) every packet arrives and the receiver shows exactly the encoder's own reconstruction, the
  stream costs at most the budget; AKD and PSNR are printed beside the frozen baseline's.
- Over AWGN the clip goes from all frames lost to none within 2 dB (1 -> 3 dB): the LDPC (1800, 902) QPSK
  waterfall (docs/phy.md: FER 1e-2 near 2 dB) applied to every one of the stream's packets, since the
  stream is only decodable up to its first lost packet.
- Over NTN-TDL-A (one realisation per seed) the curve 0-20 dB is printed (and drawn): below the threshold
  the stream is cut and the clip freezes or never shows a face; at 0 dB nearly every frame is lost, at
  20 dB none.
"""

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.baselines import testing_clips as tc
from gnuradio.semsat.baselines.budget import H26X_BUDGET_FACTOR, v2a_symbols
from gnuradio.semsat.baselines.carry import digital_ofdm_carry
from gnuradio.semsat.baselines.channel import LinkChannel
from gnuradio.semsat.baselines.curve import baseline_curve, frozen_scores, plot_curve
from gnuradio.semsat.baselines.h26x import run_h26x
from gnuradio.semsat.baselines.rate_fit import fit_to_budget
from gnuradio.semsat.baselines.scores import video_scores
from gnuradio.semsat.effect.akd import frame_landmarks

CLIP = "grid_bbaf2n"
CURVE_ESN0_DB = (0.0, 4.0, 8.0, 12.0, 20.0)
CURVE_SEEDS = (1, 2)
CLIFF_SEEDS = (1, 2, 3)


@cache
def original_landmarks() -> np.ndarray:
    return frame_landmarks(tc.grid_case(CLIP).clip.frames)


@cache
def budget() -> int:
    return H26X_BUDGET_FACTOR * v2a_symbols(tc.grid_case(CLIP).features)


@cache
def fitted(codec: str):
    return fit_to_budget(tc.grid_case(CLIP).clip.frames, codec, budget())


@cache
def curve():
    return baseline_curve(
        tc.grid_case(CLIP),
        ("h264", "h265"),
        CURVE_ESN0_DB,
        CURVE_SEEDS,
        original_landmarks=original_landmarks(),
    )


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_high_snr_shows_the_encoders_reconstruction_within_the_budget(codec):
    case = tc.grid_case(CLIP)
    video = fitted(codec)
    result = run_h26x(codec, case.clip, digital_ofdm_carry(LinkChannel("awgn", 20.0)), budget(), fitted=video)
    assert result.symbols["video"] <= budget()
    assert not result.lost.any()
    assert np.array_equal(result.frames, video.reconstruction)
    scores = video_scores(case.clip.frames, result.frames, original_landmarks())
    frozen = frozen_scores(tc.grid_case(CLIP), original_landmarks())
    print(
        f"{codec} {CLIP} at 20 dB AWGN, {result.symbols['video']} video symbols (budget {budget()} = "
        f"{H26X_BUDGET_FACTOR}x V2A), {result.details}: {scores.line()}; frozen {frozen.line()}; "
        f"codec2 audio {result.symbols['audio']} symbols"
    )
    assert scores.face_lost_share == 0.0


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_breaks_down_below_threshold_over_ntn_tdl_a(codec, tmp_path):
    points = [p for p in curve() if p.method == codec]
    for p in points:
        print(p.line())
    frozen = frozen_scores(tc.grid_case(CLIP), original_landmarks())
    print(f"frozen: {frozen.line()}")
    png = plot_curve(points, tmp_path / f"{codec}_curve.png", frozen.akd_px)
    assert png.stat().st_size > 0

    def lost(snr: float) -> float:
        return float(
            np.mean([max(p.lost_share, p.scores.face_lost_share) for p in points if p.esn0_db == snr])
        )

    assert lost(0.0) >= 0.9, "at 0 dB the stream must be cut before most frames"
    assert lost(20.0) == 0.0
    assert lost(0.0) > lost(12.0)


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_awgn_cliff_within_two_db(codec):
    case = tc.grid_case(CLIP)

    def lost(esn0_db: float) -> list[float]:
        return [
            run_h26x(
                codec,
                case.clip,
                digital_ofdm_carry(LinkChannel("awgn", esn0_db, seed)),
                budget(),
                audio_mode=None,
                fitted=fitted(codec),
            ).lost_share
            for seed in CLIFF_SEEDS
        ]

    below, above = lost(1.0), lost(3.0)
    print(f"{codec} AWGN, share of frames lost per realisation: 1 dB {below}, 3 dB {above}")
    assert min(below) == 1.0 and max(above) == 0.0

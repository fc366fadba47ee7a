"""SVC at V2A's symbol count over the real analog OFDM path (ofdm_mapper, analog frames -> channel ->
ofdm_demapper) on the GRID clips, the keypoint codebook fitted on the other four speakers.

AKD is printed beside the frozen baseline's and beside V2A's from the clean features (its renderer on the
transmitted face parameters, no channel). Sending the keypoints must beat sending nothing (frozen) at 12 dB
over NTN-TDL-A, cost no more than V2A's symbols, and degrade without losing the face at 0 dB.
"""

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.baselines import testing_clips as tc
from gnuradio.semsat.baselines.budget import v2a_symbols
from gnuradio.semsat.baselines.carry import analog_ofdm_carry
from gnuradio.semsat.baselines.channel import LinkChannel
from gnuradio.semsat.baselines.keypoint_codebook import KeypointCodebook, motion
from gnuradio.semsat.baselines.scores import frozen, video_scores
from gnuradio.semsat.baselines.svc import run_svc
from gnuradio.semsat.effect.akd import frame_landmarks

CLIPS = ["grid_bbaf2n", "grid_lrwp9a"]


@cache
def original_landmarks(name: str) -> np.ndarray:
    return frame_landmarks(tc.grid_case(name).clip.frames)


@cache
def svc(name: str, kind: str, esn0_db: float):
    case = tc.grid_case(name)
    carry = analog_ofdm_carry(LinkChannel(kind, esn0_db, 5))
    budget = v2a_symbols(case.features)
    result = run_svc(case.clip, case.features.landmarks68, carry, budget, tc.held_out_codebook(name))
    return result, budget, video_scores(case.clip.frames, result.frames, original_landmarks(name))


def test_codebook_error_falls_with_more_components():
    """A PCA truth: more components never reconstruct the held-out motion worse."""
    name = CLIPS[0]
    track = tc.grid_features()[name].landmarks68.astype(np.float64)
    book = tc.held_out_codebook(name)
    errors = [np.abs(book.decode(book.encode(track, k), track[0]) - track).mean() for k in (2, 6, 14, 30)]
    assert all(a >= b for a, b in zip(errors[:-1], errors[1:], strict=True))
    with pytest.raises(ValueError):
        KeypointCodebook.fit([track[:1]])  # one frame of motion spans nothing
    assert motion(track)[0].any() == False  # noqa: E712 (frame 0 is the reference: no motion)


@pytest.mark.parametrize("name", CLIPS)
def test_svc_beats_frozen_at_12_db_ntn_tdl_a_within_v2as_symbols(name):
    result, budget, scores = svc(name, "ntn-tdl-a", 12.0)
    case = tc.grid_case(name)
    still = video_scores(case.clip.frames, frozen(case.clip.frames), original_landmarks(name))
    v2a = video_scores(case.clip.frames, tc.v2a_clean_frames(name), original_landmarks(name))
    print(
        f"SVC {name} NTN-TDL-A 12 dB, {result.symbols['keypoints']} symbols (V2A {budget}), "
        f"{result.details}, lost {100 * result.lost_share:.0f}%: {scores.line()}; frozen {still.line()}; "
        f"V2A clean features {v2a.line()}"
    )
    assert result.symbols["keypoints"] <= budget
    assert scores.akd_px < still.akd_px


def test_svc_degrades_without_losing_the_face():
    name = CLIPS[0]
    low, high = svc(name, "awgn", 0.0)[2], svc(name, "awgn", 20.0)[2]
    print(f"SVC {name} AWGN 0 dB: {low.line()}; 20 dB: {high.line()}")
    assert high.akd_px < low.akd_px
    assert low.face_lost_share <= 0.05


def test_lost_packets_hold_the_last_frame_received():
    """Over NTN-TDL-A at 0 dB some realisations lose a packet (a second of video): its frames must repeat the
    last frame that arrived (the reference frame before any)."""
    name = CLIPS[0]
    case = tc.grid_case(name)
    budget = v2a_symbols(case.features)
    losses = 0
    for seed in (1, 2, 3, 4):
        carry = analog_ofdm_carry(LinkChannel("ntn-tdl-a", 0.0, seed))
        result = run_svc(case.clip, case.features.landmarks68, carry, budget, tc.held_out_codebook(name))
        for t in np.flatnonzero(result.lost):
            shown_before = result.frames[t - 1] if t > 0 else case.clip.frames[0]
            assert np.array_equal(result.frames[t], shown_before)
        losses += int(result.lost.any())
    assert losses > 0, "no realisation lost a packet: the hold was not exercised"

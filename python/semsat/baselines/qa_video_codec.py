"""The H.264 / H.265 sender and receiver without the link, on a real GRID clip: the settings fit the
budget, a cut stream shows only whole pictures and then holds, a corrupt stream never raises."""

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.baselines import testing_clips as tc
from gnuradio.semsat.baselines.chunking import stream_symbols
from gnuradio.semsat.baselines.nal_units import nal_type, split_nal_units
from gnuradio.semsat.baselines.rate_fit import BudgetError, fit_to_budget
from gnuradio.semsat.baselines.video_codec import GRAY, decode, split_access_units

CLIP = "grid_lbax4n"
BUDGET = 5400  # symbols: about ten times V2A's for a 3 s GRID clip


@cache
def fitted(codec: str):
    return fit_to_budget(tc.grid_case(CLIP).clip.frames, codec, BUDGET)


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_fits_the_budget_without_sei(codec):
    video = fitted(codec)
    assert video.symbols == stream_symbols(len(video.stream)) <= BUDGET
    sei = {"h264": {6}, "h265": {39, 40}}[codec]
    assert not any(nal_type(codec, u) in sei for u in split_nal_units(video.stream))
    n_frames = tc.grid_case(CLIP).clip.n_frames
    assert len(video.units) == -(-n_frames // video.settings.step)


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_a_cut_stream_shows_whole_pictures_then_holds(codec):
    video = fitted(codec)
    n_frames, size = tc.grid_case(CLIP).clip.n_frames, tc.grid_case(CLIP).clip.frames.shape[1]
    keep = len(video.units) // 2
    cut = b"".join(video.units[:keep]) + video.units[keep][: len(video.units[keep]) // 2]
    units = split_access_units(video.settings, cut, complete=False)
    assert units == video.units[:keep]
    shown = decode(video.settings, units, n_frames, size)
    good = keep * video.settings.step
    assert np.array_equal(shown.frames[:good], video.reconstruction[:good])
    assert (shown.frames[good:] == shown.frames[good - 1]).all()
    assert not shown.lost[:good].any() and shown.lost[good:].all()


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_corrupt_or_missing_stream_never_raises(codec):
    video = fitted(codec)
    n_frames, size = tc.grid_case(CLIP).clip.n_frames, tc.grid_case(CLIP).clip.frames.shape[1]
    rng = np.random.default_rng(7)
    garbage = [rng.bytes(len(u)) for u in video.units]
    flipped = [bytes(b ^ 0x5A if i % 3 == 0 else b for i, b in enumerate(u)) for u in video.units]
    for units in (garbage, flipped, video.units[1:]):
        shown = decode(video.settings, units, n_frames, size)
        assert shown.frames.shape == (n_frames, size, size, 3)
    nothing = decode(video.settings, [], n_frames, size)
    assert (nothing.frames == GRAY).all() and nothing.lost.all()


def test_too_small_a_budget_is_refused():
    with pytest.raises(BudgetError):
        fit_to_budget(tc.grid_case(CLIP).clip.frames[:10], "h264", 100)

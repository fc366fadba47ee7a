"""air_time.through_channel: frames at their air times through a channel block, their surroundings kept."""

import numpy as np
import pytest
from gnuradio import blocks
from gnuradio.semsat.air_time import LEAD_SAMPLES, TAIL_SAMPLES, TimedFrame, through_channel


def test_frames_come_back_at_their_offsets_with_the_idle_time_passed():
    rng = np.random.default_rng(0)
    frames = [
        TimedFrame(start, (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(np.complex64))
        for start, n in ((5000, 300), (2_000_000, 100))
    ]
    # A delay of d samples stands in for the channel: it must shift every frame by d, however far apart.
    delay = 7
    y = through_channel(frames, blocks.delay(8, delay))
    spans = [len(f.samples) + LEAD_SAMPLES + TAIL_SAMPLES for f in frames]
    assert len(y) == sum(spans)
    for frame, begin, span in zip(frames, (0, spans[0]), spans, strict=True):
        kept = y[begin : begin + span]
        expected = np.zeros(len(kept), np.complex64)
        expected[LEAD_SAMPLES + delay : LEAD_SAMPLES + delay + len(frame.samples)] = frame.samples
        np.testing.assert_array_equal(kept, expected)


def test_overlapping_or_too_early_frames_are_refused():
    frame = np.ones(100, np.complex64)
    with pytest.raises(ValueError, match="overlap"):
        through_channel([TimedFrame(5000, frame), TimedFrame(5050, frame)], blocks.delay(8, 0))
    with pytest.raises(ValueError, match="first frame"):
        through_channel([TimedFrame(10, frame)], blocks.delay(8, 0))

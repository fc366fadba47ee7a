"""Bad input to the baselines is refused with a message that says what is wrong."""

import numpy as np
import pytest
from gnuradio.semsat.baselines.channel import LinkChannel
from gnuradio.semsat.baselines.codec2_audio import Codec2Format, encode_frames
from gnuradio.semsat.baselines.keypoint_codebook import KeypointCodebook, motion
from gnuradio.semsat.baselines.keypoint_warp import KeypointWarper
from gnuradio.semsat.baselines.video_codec import VideoSettings


def test_unknown_channel_codec_or_mode():
    with pytest.raises(ValueError, match="unknown channel"):
        LinkChannel("rician", 10.0)
    with pytest.raises(ValueError, match="finite"):
        LinkChannel("awgn", float("nan"))
    with pytest.raises(ValueError, match="unknown codec"):
        VideoSettings("vp9", 64, 1, 30)
    with pytest.raises(ValueError, match="bad video settings"):
        VideoSettings("h264", 63, 1, 30)
    with pytest.raises(ValueError, match="unknown codec2 mode"):
        Codec2Format.of("9600")


def test_audio_rate_must_be_a_multiple_of_8_khz():
    with pytest.raises(ValueError, match="8000"):
        encode_frames(np.zeros(4410, np.float32), 44100, Codec2Format.of("1300"))


def test_landmarks_must_be_finite_tracks_of_68_points():
    with pytest.raises(ValueError, match="68"):
        motion(np.zeros((10, 5, 2)))
    track = np.zeros((10, 68, 2))
    track[3, 4, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        motion(track)
    rng = np.random.default_rng(0)
    book = KeypointCodebook.fit([rng.normal(100, 5, (20, 68, 2))], components=8)
    with pytest.raises(ValueError, match="8 components"):
        book.encode(rng.normal(100, 5, (5, 68, 2)), 9)
    with pytest.raises(ValueError, match="reference frame"):
        KeypointWarper(np.zeros((64, 32, 3), np.uint8), np.zeros((68, 2)))

"""Media I/O: formats, frame-rate and sample-rate conversion, mp4 round trip in sync, clear errors."""

import av
import numpy as np
import pytest
from gnuradio.semsat.media.clip import MediaError, read_audio, read_clip
from gnuradio.semsat.media.writer import write_clip
from gnuradio.semsat.testing_media import require_media


def lag_samples(reference: np.ndarray, signal: np.ndarray, max_lag: int = 2000) -> int:
    """Delay of ``signal`` against ``reference`` by cross-correlation (positive: signal late)."""
    core = reference[max_lag : reference.size - max_lag]
    scores = np.correlate(signal[: reference.size], core, "valid")
    return int(np.argmax(scores)) - max_lag


def test_grid_mpg_reads_at_25_fps_and_16_khz():
    clip = read_clip(require_media() / "clips" / "grid_bbaf2n.mpg")
    assert clip.frames.shape == (75, 288, 360, 3) and clip.frames.dtype == np.uint8
    assert clip.sample_rate == 16000 and clip.audio.size == 48000
    assert 0.01 < np.sqrt(np.mean(clip.audio**2)) < 1.0


def test_30_fps_clip_is_resampled_to_25_fps():
    clip = read_clip(require_media() / "clips" / "retalking_face1.mp4")
    with av.open(str(clip.source)) as container:
        stream = container.streams.video[0]
        duration = float(stream.frames / stream.average_rate)
    assert clip.n_frames == pytest.approx(duration * 25, abs=1)
    assert clip.audio.size == clip.n_frames * 16000 // 25


def test_mp4_round_trip_keeps_audio_and_video_in_sync(tmp_path):
    clip = read_clip(require_media() / "clips" / "grid_lbax4n.mpg")
    out = tmp_path / "copy.mp4"
    write_clip(out, clip.frames, clip.fps, clip.audio, clip.sample_rate)
    copy = read_clip(out)
    assert copy.n_frames == clip.n_frames
    mse = np.mean((copy.frames.astype(float) - clip.frames) ** 2)
    assert 10 * np.log10(255**2 / mse) > 35  # CRF 18 H.264
    assert abs(lag_samples(clip.audio, copy.audio)) <= 16  # within 1 ms (AAC priming handled)
    # A flash in one frame lands in the same frame after the round trip.
    flashed = clip.frames.copy()
    flashed[40] = 255
    write_clip(out, flashed, clip.fps, clip.audio, clip.sample_rate)
    assert int(np.argmax(read_clip(out).frames.mean(axis=(1, 2, 3)))) == 40


@pytest.mark.parametrize("container,codec", [("wav", "pcm_s16le"), ("flac", "flac")])
def test_speech_files_of_other_formats(tmp_path, container, codec):
    source = require_media() / "speech" / "alsa_Front_Left.wav"  # 48 kHz
    audio = read_audio(source)
    path = tmp_path / f"speech.{container}"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=16000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray((audio * 32767).astype(np.int16).reshape(1, -1), "s16", "mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    again = read_audio(path)
    assert again.size == audio.size
    assert np.max(np.abs(again - audio)) < 1e-3


@pytest.mark.parametrize("suffix", ["avi", "mov"])
def test_other_video_containers(tmp_path, suffix):
    clip = read_clip(require_media() / "clips" / "grid_brbk7n.mpg", max_frames=10)
    path = tmp_path / f"clip.{suffix}"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = 360, 288, "yuv420p"
        for image in clip.frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    again = read_clip(path)
    assert again.n_frames == 10
    assert not again.audio.any()  # no audio stream: silence of the video's length


def test_bad_files_raise_media_errors(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "text.mp4").write_text("hello\n" * 100)
    for name, words in [("empty.mp4", "empty"), ("text.mp4", "text.mp4"), ("none.mp4", "no such file")]:
        with pytest.raises(MediaError, match=words):
            read_clip(tmp_path / name)
    with pytest.raises(MediaError, match="no video stream"):
        read_clip(require_media() / "speech" / "alsa_Front_Left.wav")

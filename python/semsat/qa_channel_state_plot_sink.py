"""The channel state plot sink on synthetic input: recorded tags, spectra at the tones, PNG and .npz."""

from pathlib import Path

import numpy as np
import pmt
import pytest
from gnuradio import blocks, gr
from gnuradio.semsat.channel_state_plot_sink import channel_state_plot_sink

SAMP_RATE = 100e3
FFT_SIZE = 256
INTERVAL_S = 0.1
# Ten spectra start every 10000 samples; the stream ends 1000 samples into the tenth, which keeps its three
# whole frames.
N_SAMPLES = 91_000


def state_tag(offset: int, doppler: float, snr_db: float) -> gr.tag_t:
    value = pmt.make_dict()
    value = pmt.dict_add(value, pmt.intern("doppler"), pmt.from_double(doppler))
    value = pmt.dict_add(value, pmt.intern("snr_db"), pmt.from_double(snr_db))
    return gr.tag_utils.python_to_tag((offset, pmt.intern("channel_state"), value))


def tone(frequency_hz: np.ndarray) -> np.ndarray:
    """Unit tone whose frequency follows `frequency_hz` sample by sample."""
    phase = 2.0 * np.pi * np.cumsum(frequency_hz) / SAMP_RATE
    return np.exp(1j * phase).astype(np.complex64)


def run_sink(samples: np.ndarray, tags: list[gr.tag_t], png: Path) -> None:
    top = gr.top_block()
    source = blocks.vector_source_c(samples.tolist(), False, 1, tags)
    # Python blocks must stay referenced from Python while the flowgraph runs.
    sink = channel_state_plot_sink(SAMP_RATE, str(png), INTERVAL_S, FFT_SIZE, "synthetic")
    top.connect(source, sink)
    top.run()


def test_records_tags_and_spectra(tmp_path: Path) -> None:
    # The tone jumps from +20 kHz to -30 kHz at 0.5 s, and the tags say so.
    time_s = np.arange(N_SAMPLES) / SAMP_RATE
    frequency = np.where(time_s < 0.5, 20e3, -30e3)
    tag_offsets = range(0, N_SAMPLES, 5000)
    tags = [state_tag(offset, frequency[offset], 10.0 + offset / 1e4) for offset in tag_offsets]
    # A malformed tag is skipped, not fatal.
    tags.append(gr.tag_utils.python_to_tag((123, pmt.intern("channel_state"), pmt.from_long(1))))
    png = tmp_path / "out" / "state.png"
    run_sink(tone(frequency), tags, png)

    assert png.is_file() and png.stat().st_size > 0
    series = np.load(png.with_suffix(".npz"))
    np.testing.assert_allclose(series["state_time_s"], np.array(tag_offsets) / SAMP_RATE)
    np.testing.assert_allclose(series["doppler_hz"], frequency[list(tag_offsets)])
    np.testing.assert_allclose(series["snr_db"], [10.0 + offset / 1e4 for offset in tag_offsets])

    psd = series["psd_db"]
    assert psd.shape == (10, FFT_SIZE)
    assert series["frequency_hz"].shape == (FFT_SIZE,)
    # Eight frames of 256 samples from every 10000th sample; the last spectrum holds three frames.
    expected_times = (np.arange(10) * 10_000 + 1024) / SAMP_RATE
    expected_times[-1] = (90_000 + 3 * 256 / 2) / SAMP_RATE
    np.testing.assert_allclose(series["spectrum_time_s"], expected_times)
    peaks = series["frequency_hz"][np.argmax(psd, axis=1)]
    bin_hz = SAMP_RATE / FFT_SIZE
    np.testing.assert_allclose(peaks, np.where(expected_times < 0.5, 20e3, -30e3), atol=bin_hz)
    # A unit tone's density peaks near 1 / (fs * equivalent noise bandwidth of the Hann window, 1.5 bins).
    assert np.max(psd) == pytest.approx(10.0 * np.log10(1.0 / (1.5 * bin_hz)), abs=1.5)


def test_stream_shorter_than_a_frame_still_writes_the_png(tmp_path: Path) -> None:
    png = tmp_path / "short.png"
    run_sink(np.ones(100, dtype=np.complex64), [], png)
    assert png.is_file()
    series = np.load(png.with_suffix(".npz"))
    assert series["psd_db"].shape == (0, FFT_SIZE)
    assert len(series["doppler_hz"]) == 0


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"samp_rate": 0.0}, "samp_rate"),
        ({"output_png": ""}, "output_png"),
        ({"fft_size": 8}, "fft_size"),
        ({"spectrum_interval_s": 0.001}, "spectrum_interval_s"),
    ],
)
def test_bad_parameters_are_explained(kwargs: dict, problem: str) -> None:
    arguments = {"samp_rate": SAMP_RATE, "output_png": "x.png", "spectrum_interval_s": 1.0, "fft_size": 256}
    with pytest.raises(ValueError, match=problem):
        channel_state_plot_sink(**{**arguments, **kwargs})

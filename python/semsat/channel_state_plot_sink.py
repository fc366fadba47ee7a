"""Sink that records the channel's true state and the received spectrum, and plots both when it stops."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pmt
from gnuradio import gr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

STATE_KEY = pmt.intern("channel_state")
DOPPLER_KEY = pmt.intern("doppler")
SNR_KEY = pmt.intern("snr_db")
# Frames averaged per spectrum when the interval holds that many; more smooths the noise floor further but
# costs FFTs for little visible gain.
MAX_AVERAGED_FRAMES = 8


class channel_state_plot_sink(gr.sync_block):  # noqa: N801 (GNU Radio block naming)
    """Complex sink for the output of ntn_tdl_channel_cc with state tags on.

    It records every "channel_state" tag (time, true Doppler, true SNR) and, every `spectrum_interval_s`, one
    power spectral density averaged over up to MAX_AVERAGED_FRAMES consecutive Hann-windowed frames of
    `fft_size` samples. In stop() it saves a PNG at `output_png` (true Doppler, true SNR, waterfall of the
    received spectrum with the true Doppler drawn over it) and the recorded series in an .npz beside it
    (same name, suffix .npz): state_time_s, doppler_hz, snr_db, spectrum_time_s, frequency_hz, psd_db.

    Only the samples of the spectra are read, so a work call costs next to nothing between spectra.
    """

    def __init__(
        self,
        samp_rate: float,
        output_png: str,
        spectrum_interval_s: float = 1.0,
        fft_size: int = 1024,
        title: str = "",
    ) -> None:
        gr.sync_block.__init__(self, name="channel_state_plot_sink", in_sig=[np.complex64], out_sig=None)
        if not (samp_rate > 0.0 and math.isfinite(samp_rate)):
            raise ValueError(f"samp_rate must be a finite number of Hz > 0, got {samp_rate}")
        if not output_png:
            raise ValueError("output_png must name the PNG file to write")
        if not (isinstance(fft_size, int | np.integer) and fft_size >= 16):
            raise ValueError(f"fft_size must be an integer >= 16, got {fft_size!r}")
        interval = round(spectrum_interval_s * samp_rate) if math.isfinite(spectrum_interval_s) else 0
        if interval < fft_size:
            raise ValueError(
                f"spectrum_interval_s ({spectrum_interval_s} s = {interval} samples) must hold at least "
                f"fft_size ({fft_size}) samples"
            )
        self._samp_rate = float(samp_rate)
        self._png = Path(output_png)
        self._title = title
        self._fft_size = int(fft_size)
        self._interval = interval
        self._frame_count = min(MAX_AVERAGED_FRAMES, interval // fft_size)
        self._window = np.hanning(fft_size).astype(np.float32)
        # Dividing |X|^2 by fs * sum(w^2) gives a density in 1/Hz whatever the window and FFT size.
        self._psd_scale = 1.0 / (self._samp_rate * float(np.sum(self._window.astype(np.float64) ** 2)))
        self._logger = gr.logger(self.alias())

        self._next_spectrum = 0
        self._pending: list[npt.NDArray[np.complex64]] = []
        self._pending_count = 0
        self._state_time_s: list[float] = []
        self._doppler_hz: list[float] = []
        self._snr_db: list[float] = []
        self._spectrum_time_s: list[float] = []
        self._psd_db: list[npt.NDArray[np.float64]] = []
        self._bad_tags = 0

    def work(self, input_items: list[np.ndarray], output_items: list[np.ndarray]) -> int:
        samples = input_items[0]
        start = self.nitems_read(0)
        for tag in self.get_tags_in_window(0, 0, len(samples), STATE_KEY):
            self._record_state(tag.offset, tag.value)
        self._collect_spectra(samples, start)
        return len(samples)

    def stop(self) -> bool:
        # The last spectrum may be cut short by the end of the stream: keep it if it has a whole frame.
        if self._pending_count >= self._fft_size:
            self._finish_spectrum()
        self._save()
        return True

    def _record_state(self, offset: int, value: pmt.pmt_t) -> None:
        doppler = pmt.dict_ref(value, DOPPLER_KEY, pmt.PMT_NIL) if pmt.is_dict(value) else pmt.PMT_NIL
        snr = pmt.dict_ref(value, SNR_KEY, pmt.PMT_NIL) if pmt.is_dict(value) else pmt.PMT_NIL
        if not (pmt.is_real(doppler) and pmt.is_real(snr)):
            self._bad_tags += 1
            self._logger.warn(f"channel_state tag at sample {offset} without doppler and snr_db: skipped")
            return
        self._state_time_s.append(offset / self._samp_rate)
        self._doppler_hz.append(pmt.to_double(doppler))
        self._snr_db.append(pmt.to_double(snr))

    def _collect_spectra(self, samples: npt.NDArray[np.complex64], start: int) -> None:
        """Copy the samples that belong to a spectrum; a spectrum may span several work calls."""
        end = start + len(samples)
        position = start
        while True:
            if self._pending_count == 0:
                if self._next_spectrum >= end:
                    return
                position = max(position, self._next_spectrum)
            take = min(self._frame_count * self._fft_size - self._pending_count, end - position)
            if take <= 0:
                return
            self._pending.append(samples[position - start : position - start + take].copy())
            self._pending_count += take
            position += take
            if self._pending_count == self._frame_count * self._fft_size:
                self._finish_spectrum()

    def _finish_spectrum(self) -> None:
        frames = self._pending_count // self._fft_size
        block = np.concatenate(self._pending)[: frames * self._fft_size].reshape(frames, self._fft_size)
        spectrum = np.fft.fftshift(np.fft.fft(block * self._window, axis=1), axes=1)
        psd = np.mean(np.abs(spectrum) ** 2, axis=0) * self._psd_scale
        # Time stamp at the middle of the averaged frames; the floor keeps log10 finite on silent input.
        self._spectrum_time_s.append((self._next_spectrum + frames * self._fft_size / 2) / self._samp_rate)
        self._psd_db.append(10.0 * np.log10(np.maximum(psd, 1e-30)))
        self._next_spectrum += self._interval
        self._pending = []
        self._pending_count = 0

    def _save(self) -> None:
        frequency_hz = np.fft.fftshift(np.fft.fftfreq(self._fft_size, 1.0 / self._samp_rate))
        psd_db = np.array(self._psd_db).reshape(len(self._psd_db), self._fft_size)
        series = {
            "state_time_s": np.array(self._state_time_s),
            "doppler_hz": np.array(self._doppler_hz),
            "snr_db": np.array(self._snr_db),
            "spectrum_time_s": np.array(self._spectrum_time_s),
            "frequency_hz": frequency_hz,
            "psd_db": psd_db,
        }
        self._png.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self._png.with_suffix(".npz"), **series)
        plot_channel_state(series, self._png, self._title)
        self._logger.info(
            f"wrote {self._png} and {self._png.with_suffix('.npz').name}: {len(self._state_time_s)} "
            f"channel states, {len(psd_db)} spectra over {self.nitems_read(0) / self._samp_rate:.1f} s"
            + (f", {self._bad_tags} malformed tags skipped" if self._bad_tags else "")
        )


def plot_channel_state(series: dict[str, np.ndarray], path: Path, title: str = "") -> None:
    """PNG with the true Doppler, the true SNR and the received spectrum's waterfall against time."""
    # A bare Figure on the Agg canvas: no pyplot state and no display, safe inside a flowgraph's thread.
    figure = Figure(figsize=(9.0, 9.0), layout="constrained")
    FigureCanvasAgg(figure)
    doppler_axis, snr_axis, spectrum_axis = figure.subplots(3, 1, sharex=True)
    state_time = series["state_time_s"]
    doppler_khz = series["doppler_hz"] / 1e3

    doppler_axis.plot(state_time, doppler_khz)
    doppler_axis.set_ylabel("Doppler (kHz)")
    doppler_axis.set_title("True bulk Doppler (channel_state tags)", fontsize="medium")
    snr_axis.plot(state_time, series["snr_db"])
    snr_axis.set_ylabel("SNR (dB)")
    snr_axis.set_title("True SNR (channel_state tags)", fontsize="medium")
    for axis in (doppler_axis, snr_axis):
        axis.grid(True, alpha=0.4)

    psd_db = series["psd_db"]
    if len(psd_db):
        mesh = spectrum_axis.pcolormesh(
            series["spectrum_time_s"],
            series["frequency_hz"] / 1e3,
            psd_db.T,
            shading="nearest",
            cmap="viridis",
            # Clip the colours at the noise floor's low percentile so the signal band stands out.
            vmin=float(np.percentile(psd_db, 5)),
            vmax=float(np.max(psd_db)),
            rasterized=True,
        )
        figure.colorbar(mesh, ax=spectrum_axis, label="PSD (dB/Hz)", pad=0.01)
        spectrum_axis.plot(state_time, doppler_khz, "w--", linewidth=0.8, label="true Doppler")
        spectrum_axis.legend(loc="upper right", fontsize="small")
    else:
        spectrum_axis.text(0.5, 0.5, "no spectrum recorded", transform=spectrum_axis.transAxes, ha="center")
    spectrum_axis.set_ylabel("frequency (kHz)")
    spectrum_axis.set_xlabel("time (s)")
    spectrum_axis.set_title("Received spectrum", fontsize="medium")
    figure.suptitle(title or "Channel state and received spectrum")
    figure.savefig(path, dpi=100)

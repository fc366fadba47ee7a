"""PNG overview of a satellite pass: elevation, Doppler, Doppler rate and, with a link budget, SNR."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .link_budget import LinkBudget
from .orbit import Pass


def plot_pass(satellite_pass: Pass, path: str | Path, link: LinkBudget | None = None) -> None:
    """Save the pass as a PNG at `path`; an SNR panel is added when `link` is given."""
    # A bare Figure on the Agg canvas: no pyplot state, no display needed, safe inside a flowgraph process.
    figure = Figure(figsize=(8.0, 2.4 * (4 if link else 3)), layout="constrained")
    FigureCanvasAgg(figure)
    panels = [
        (satellite_pass.elevation_deg, "elevation (deg)", "Elevation"),
        (satellite_pass.doppler_hz / 1e3, "Doppler (kHz)", "Doppler shift (positive while approaching)"),
        (satellite_pass.doppler_rate_hz_s, "Doppler rate (Hz/s)", "Doppler rate"),
    ]
    if link is not None:
        snr = link.snr_db(satellite_pass.slant_range_m, satellite_pass.carrier_hz)
        panels.append((snr, "SNR (dB)", f"SNR in {link.bandwidth_hz / 1e6:g} MHz (link budget)"))

    axes = figure.subplots(len(panels), 1, sharex=True)
    for axis, (values, unit_label, title) in zip(axes, panels, strict=True):
        axis.plot(satellite_pass.time_s, values)
        axis.set_ylabel(unit_label)
        axis.set_title(title, fontsize="medium")
        axis.grid(True, alpha=0.4)
    if satellite_pass.start_utc is None:
        axes[-1].set_xlabel("time from closest approach (s)")
        model = "circular orbit"
    else:
        axes[-1].set_xlabel(f"time since AOS {satellite_pass.start_utc:%Y-%m-%d %H:%M:%S} UTC (s)")
        model = "TLE"
    figure.suptitle(
        f"Satellite pass ({model}): altitude {satellite_pass.altitude_m / 1e3:.0f} km, "
        f"carrier {satellite_pass.carrier_hz / 1e9:g} GHz, "
        f"max elevation {satellite_pass.elevation_deg.max():.1f} deg"
    )
    figure.savefig(path, dpi=100)

"""gr-semsat: semantic satellite communications for GNU Radio.

C++ blocks (ntn_tdl_channel_cc, doppler_cc) come from the compiled bindings; the Python modules
(orbit, link_budget, trajectory, ...) are imported on demand, e.g. ``from gnuradio.semsat import orbit``.
"""

try:
    from .semsat_python import doppler_cc, ntn_tdl_channel_cc
except ImportError:
    # pytest imports the source tree's qa_*.py files with this folder as package "semsat", where the
    # extension is not built: take the blocks from the installed gnuradio.semsat instead, so one
    # compiled module is loaded once (pybind11 refuses to register the same types twice).
    from gnuradio.semsat.semsat_python import doppler_cc, ntn_tdl_channel_cc

__all__ = ["doppler_cc", "ntn_tdl_channel_cc"]

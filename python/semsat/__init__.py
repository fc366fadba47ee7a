"""gr-semsat: semantic satellite communications for GNU Radio.

C++ blocks (ntn_tdl_channel_cc, doppler_cc) come from the compiled bindings; the Python modules
(orbit, link_budget, trajectory, ...) are imported on demand as ``from gnuradio.semsat import orbit``.
"""

from .semsat_python import doppler_cc, ntn_tdl_channel_cc

__all__ = ["doppler_cc", "ntn_tdl_channel_cc"]

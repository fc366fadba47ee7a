"""gr-semsat: semantic satellite communications for GNU Radio.

C++ blocks (ntn_tdl_channel_cc, doppler_cc, ofdm_mapper, ofdm_demapper) come from the compiled
bindings; the Python blocks (pass_control_source, channel_state_plot_sink, digital_encoder,
digital_decoder, semantic_encoder, semantic_decoder, ...) load on first use, so importing the package stays
fast.
Helper modules are imported as usual, e.g. ``from gnuradio.semsat import orbit``.
"""

import importlib

try:
    from .semsat_python import doppler_cc, ntn_tdl_channel_cc, ofdm_demapper, ofdm_mapper
except ImportError:
    # pytest imports the source tree's qa_*.py files with this folder as package "semsat", where the
    # extension is not built: take the blocks from the installed gnuradio.semsat instead, so one
    # compiled module is loaded once (pybind11 refuses to register the same types twice).
    from gnuradio.semsat.semsat_python import doppler_cc, ntn_tdl_channel_cc, ofdm_demapper, ofdm_mapper

_PYTHON_BLOCKS = {
    "pass_control_source": ".pass_control_source",
    "channel_state_plot_sink": ".channel_state_plot_sink",
    "digital_encoder": ".digital_encoder",
    "digital_pdu_encoder": ".digital_encoder",
    "digital_decoder": ".digital_decoder",
    "semantic_encoder": ".semantic_encoder",
    "semantic_decoder": ".semantic_decoder",
    "frames_to_pdu": ".frames_to_pdu",
}

__all__ = ["doppler_cc", "ntn_tdl_channel_cc", "ofdm_demapper", "ofdm_mapper", *_PYTHON_BLOCKS]


def __getattr__(name: str):
    if name in _PYTHON_BLOCKS:
        block = getattr(importlib.import_module(_PYTHON_BLOCKS[name], __name__), name)
        # Importing the submodule bound its name on the package to the module; the block's name must
        # give the block from now on.
        globals()[name] = block
        return block
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

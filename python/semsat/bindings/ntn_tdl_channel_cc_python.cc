/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/semsat/ntn_tdl_channel_cc.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <limits>

namespace py = pybind11;

void bind_ntn_tdl_channel_cc(py::module& m)
{
    using block = gr::semsat::ntn_tdl_channel_cc;
    py::class_<block, gr::sync_block, gr::block, gr::basic_block, std::shared_ptr<block>>(
        m,
        "ntn_tdl_channel_cc",
        "3GPP TR 38.811 NTN-TDL satellite channel: multipath fading, bulk Doppler and Doppler rate, "
        "path gain, AWGN, with a sample-exact control port 'ctrl'.")
        .def(py::init(&block::make),
             py::arg("samp_rate"),
             py::arg("model") = "NTN-TDL-A",
             py::arg("delay_spread") = 100e-9,
             py::arg("carrier_freq") = 2e9,
             py::arg("ue_speed_kmh") = 3.0,
             py::arg("doppler") = 0.0,
             py::arg("doppler_rate") = 0.0,
             py::arg("gain_db") = 0.0,
             py::arg("snr_db") = 20.0,
             py::arg("noise_enabled") = true,
             py::arg("seed") = 1,
             py::arg("custom_delays") = std::vector<double>(),
             py::arg("custom_powers_db") = std::vector<double>(),
             py::arg("custom_k_db") = std::numeric_limits<double>::quiet_NaN(),
             py::arg("propagation_delay") = 0.0,
             py::arg("n_sinusoids") = 32,
             py::arg("interp_taps") = 16,
             py::arg("update_interval") = 0,
             py::arg("state_tag_interval") = 0)
        .def("doppler", &block::doppler, "Bulk Doppler shift now (Hz).")
        .def("doppler_rate", &block::doppler_rate, "Doppler rate now (Hz/s).")
        .def("gain_db", &block::gain_db)
        .def("snr_db", &block::snr_db)
        .def("set_doppler", &block::set_doppler, py::arg("doppler"))
        .def("set_doppler_rate", &block::set_doppler_rate, py::arg("doppler_rate"))
        .def("set_gain_db", &block::set_gain_db, py::arg("gain_db"))
        .def("set_snr_db", &block::set_snr_db, py::arg("snr_db"))
        .def("path_delays", &block::path_delays, "Path delays in seconds (without latency).")
        .def("path_powers", &block::path_powers, "Average path powers, normalized to a sum of one.")
        .def("path_k_factors_db", &block::path_k_factors_db, "Rician K per path in dB (-inf: Rayleigh).")
        .def("rms_delay_spread", &block::rms_delay_spread, "RMS delay spread of the profile (s).")
        .def("max_ue_doppler", &block::max_ue_doppler, "Maximum UE Doppler f_D (Hz).")
        .def("latency", &block::latency, "Samples from input to output for a zero-delay path.")
        .def("update_interval", &block::update_interval, "Samples between fading updates.")
        .def("n_ctrl_accepted", &block::n_ctrl_accepted)
        .def("n_ctrl_rejected", &block::n_ctrl_rejected)
        .def("n_ctrl_late", &block::n_ctrl_late);
}

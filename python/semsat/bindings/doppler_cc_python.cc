/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/semsat/doppler_cc.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void bind_doppler_cc(py::module& m)
{
    using block = gr::semsat::doppler_cc;
    py::class_<block, gr::sync_block, gr::block, gr::basic_block, std::shared_ptr<block>>(
        m,
        "doppler_cc",
        "Phase-continuous time-varying frequency shift following a Doppler trajectory (times in s, "
        "freqs in Hz) or 'ctrl' messages; compensate=True applies the opposite shift.")
        .def(py::init(&block::make),
             py::arg("samp_rate"),
             py::arg("times") = std::vector<double>(),
             py::arg("freqs") = std::vector<double>(),
             py::arg("initial_freq") = 0.0,
             py::arg("compensate") = false)
        .def("frequency", &block::frequency, "Doppler now (Hz, before the compensate sign).")
        .def("frequency_rate", &block::frequency_rate, "Doppler rate now (Hz/s).")
        .def("set_frequency", &block::set_frequency, py::arg("freq"))
        .def("n_ctrl_accepted", &block::n_ctrl_accepted)
        .def("n_ctrl_rejected", &block::n_ctrl_rejected)
        .def("n_ctrl_late", &block::n_ctrl_late);
}

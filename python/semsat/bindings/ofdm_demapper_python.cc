/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/semsat/ofdm_demapper.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void bind_ofdm_demapper(py::module& m)
{
    using block = gr::semsat::ofdm_demapper;
    py::class_<block, gr::block, gr::basic_block, std::shared_ptr<block>>(
        m,
        "ofdm_demapper",
        "OFDM receiver for ofdm_mapper frames: Schmidl-Cox detection, fractional and integer CFO, "
        "CES channel estimate, pilot tracking, MMSE equalisation. out0: payload symbols, out1: "
        "their noise variance; tags rx_len, frame_type, stream_id, seq, snr_db, cfo; message "
        "port 'stats' (detected, decoded, dropped, headers, nonfinite, rejected).")
        .def(py::init(&block::make),
             py::arg("fft_len") = 256,
             py::arg("cp_len") = 32,
             py::arg("occupied") = 212,
             py::arg("pilot_spacing") = 6,
             py::arg("max_int_cfo") = 3,
             py::arg("threshold") = 0.1f,
             py::arg("tracking_alpha") = 0.05f,
             py::arg("unbiased") = true)
        .def("n_detected", &block::n_detected, "Preambles detected and verified on the CES.")
        .def("n_decoded", &block::n_decoded, "Frames emitted.")
        .def("n_dropped", &block::n_dropped, "Detected frames lost (header CRC, non-finite, cut).")
        .def("n_headers", &block::n_headers, "Headers that passed the CRC.")
        .def("n_nonfinite", &block::n_nonfinite, "Runs of non-finite input samples met.")
        .def("n_rejected",
             &block::n_rejected,
             "Triggers rejected by the CES checks (noise, or frames it cannot take, e.g. a CFO "
             "beyond max_int_cfo); not counted as detections.");
}

/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/semsat/ofdm_mapper.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void bind_ofdm_mapper(py::module& m)
{
    using block = gr::semsat::ofdm_mapper;
    py::class_<block, gr::block, gr::basic_block, std::shared_ptr<block>>(
        m,
        "ofdm_mapper",
        "OFDM transmitter: one frame (Schmidl-Cox preamble, CES, coded BPSK header, payload with "
        "comb pilots, cyclic prefix, guard zeros) per tagged packet of complex symbols. Header "
        "fields from the 'frame_type', 'stream_id' and 'seq' tags at the packet start.")
        .def(py::init(&block::make),
             py::arg("fft_len") = 256,
             py::arg("cp_len") = 32,
             py::arg("occupied") = 212,
             py::arg("pilot_spacing") = 6,
             py::arg("guard") = -1,
             py::arg("len_tag_key") = "packet_len")
        .def("n_frames", &block::n_frames, "Frames written.")
        .def("n_dropped", &block::n_dropped, "Packets dropped (bad length or header tags).")
        .def("frame_length", &block::frame_length, py::arg("n"),
             "Output samples of the frame of an n-symbol packet, guard included.")
        .def("header_symbols", &block::header_symbols)
        .def("symbol_length", &block::symbol_length, "fft_len + cp_len.")
        .def("guard", &block::guard)
        .def("data_carriers", &block::data_carriers, "Signed data carrier numbers, in fill order.")
        .def("pilot_carriers", &block::pilot_carriers, "Signed pilot carrier numbers.");
}

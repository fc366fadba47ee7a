/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_ntn_tdl_channel_cc(py::module& m);
void bind_doppler_cc(py::module& m);
void bind_ofdm_mapper(py::module& m);
void bind_ofdm_demapper(py::module& m);

PYBIND11_MODULE(semsat_python, m)
{
    // The blocks derive from gr::sync_block or gr::block: their Python types must be registered first.
    py::module::import("gnuradio.gr");
    bind_ntn_tdl_channel_cc(m);
    bind_doppler_cc(m);
    bind_ofdm_mapper(m);
    bind_ofdm_demapper(m);
}

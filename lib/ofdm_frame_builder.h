/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_FRAME_BUILDER_H
#define INCLUDED_SEMSAT_OFDM_FRAME_BUILDER_H

#include "header_codec.h"
#include "ofdm_numerology.h"
#include <gnuradio/fft/fft.h>
#include <gnuradio/gr_complex.h>
#include <memory>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Writes the OFDM symbols of a frame (time domain, cyclic prefix first), one at a time.
 *
 * Preamble and CES never change, so their waveforms are computed once; header and payload symbols
 * cost one IFFT each. Every call writes exactly sym_len samples.
 */
class ofdm_frame_builder
{
public:
    explicit ofdm_frame_builder(const ofdm_numerology& num);

    const ofdm_numerology& numerology() const { return d_num; }
    void preamble(gr_complex* out) const;
    void ces(gr_complex* out) const;
    //! The header_symbols symbols of a header, written back to back.
    void header(const ofdm_header& h, gr_complex* out);
    //! Payload symbol m with n <= n_data() data values (the rest of the data carriers are zero).
    void payload(int m, const gr_complex* data, int n, gr_complex* out);
    //! Time-domain useful part (no CP) of the CES, as transmitted: the receiver's timing reference.
    const std::vector<gr_complex>& ces_waveform() const { return d_ces; }

private:
    void to_time(gr_complex* out);

    ofdm_numerology d_num;
    header_codec d_codec;
    gr::fft::fft_complex_rev d_ifft;
    std::vector<gr_complex> d_preamble; // sym_len samples with CP
    std::vector<gr_complex> d_ces_sym;  // sym_len samples with CP
    std::vector<gr_complex> d_ces;      // fft_len samples
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ofdm_frame_builder.h"
#include <volk/volk.h>
#include <algorithm>
#include <cstring>

namespace gr {
namespace semsat {

ofdm_frame_builder::ofdm_frame_builder(const ofdm_numerology& num)
    : d_num(num), d_codec(num.header_slots), d_ifft(num.fft_len)
{
    d_preamble.resize(d_num.sym_len);
    d_ces_sym.resize(d_num.sym_len);
    gr_complex* in = d_ifft.get_inbuf();

    std::fill(in, in + d_num.fft_len, gr_complex(0.0f, 0.0f));
    for (size_t i = 0; i < d_num.preamble_idx.size(); ++i) {
        in[d_num.bins[d_num.preamble_idx[i]]] = gr_complex(d_num.preamble[i], 0.0f);
    }
    to_time(d_preamble.data());

    std::fill(in, in + d_num.fft_len, gr_complex(0.0f, 0.0f));
    for (int i = 0; i < d_num.occupied; ++i) {
        in[d_num.bins[i]] = gr_complex(d_num.ces[i], 0.0f);
    }
    to_time(d_ces_sym.data());
    d_ces.assign(d_ces_sym.begin() + d_num.cp_len, d_ces_sym.end());
}

void ofdm_frame_builder::to_time(gr_complex* out)
{
    d_ifft.execute();
    const int n = d_num.fft_len, cp = d_num.cp_len;
    volk_32fc_s32fc_multiply_32fc(out + cp, d_ifft.get_outbuf(), gr_complex(d_num.scale, 0.0f), n);
    std::memcpy(out, out + n, sizeof(gr_complex) * cp);
}

void ofdm_frame_builder::preamble(gr_complex* out) const
{
    std::memcpy(out, d_preamble.data(), sizeof(gr_complex) * d_num.sym_len);
}

void ofdm_frame_builder::ces(gr_complex* out) const
{
    std::memcpy(out, d_ces_sym.data(), sizeof(gr_complex) * d_num.sym_len);
}

void ofdm_frame_builder::header(const ofdm_header& h, gr_complex* out)
{
    const std::vector<uint8_t> slots = d_codec.encode(h);
    gr_complex* in = d_ifft.get_inbuf();
    const int nd = d_num.n_data();
    for (int s = 0; s < d_num.header_symbols; ++s) {
        std::fill(in, in + d_num.fft_len, gr_complex(0.0f, 0.0f));
        for (int p = 0; p < d_num.n_pilots(); ++p) {
            in[d_num.bins[d_num.pilot_idx[p]]] = gr_complex(d_num.pilot_value(s, p), 0.0f);
        }
        for (int i = 0; i < nd; ++i) {
            in[d_num.bins[d_num.data_idx[i]]] =
                gr_complex(slots[s * nd + i] ? -1.0f : 1.0f, 0.0f);
        }
        to_time(out + s * d_num.sym_len);
    }
}

void ofdm_frame_builder::payload(int m, const gr_complex* data, int n, gr_complex* out)
{
    gr_complex* in = d_ifft.get_inbuf();
    std::fill(in, in + d_num.fft_len, gr_complex(0.0f, 0.0f));
    const int s = d_num.header_symbols + m;
    for (int p = 0; p < d_num.n_pilots(); ++p) {
        in[d_num.bins[d_num.pilot_idx[p]]] = gr_complex(d_num.pilot_value(s, p), 0.0f);
    }
    const int* bin = d_num.bins.data();
    const int* idx = d_num.data_idx.data();
    for (int i = 0; i < n; ++i) {
        in[bin[idx[i]]] = data[i];
    }
    to_time(out);
}

} // namespace semsat
} // namespace gr

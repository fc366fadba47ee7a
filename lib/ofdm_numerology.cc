/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ofdm_numerology.h"
#include "header_codec.h"
#include <cmath>
#include <stdexcept>
#include <string>

namespace gr {
namespace semsat {

std::vector<uint8_t> lfsr_sequence(int degree, int tap_a, int tap_b, uint32_t seed, int n)
{
    // Fibonacci LFSR: x^degree + x^tap_b + 1 style feedback from two register cells.
    std::vector<uint8_t> out(n);
    uint32_t state = seed & ((1u << degree) - 1);
    if (state == 0) {
        state = 1; // the all-zero state would lock up
    }
    for (int i = 0; i < n; ++i) {
        const uint32_t bit = ((state >> (tap_a - 1)) ^ (state >> (tap_b - 1))) & 1u;
        out[i] = static_cast<uint8_t>(state & 1u);
        state = (state >> 1) | (bit << (degree - 1));
    }
    return out;
}

ofdm_numerology::ofdm_numerology(int fft_len_, int cp_len_, int occupied_, int pilot_spacing_)
    : fft_len(fft_len_), cp_len(cp_len_), occupied(occupied_), pilot_spacing(pilot_spacing_)
{
    if (fft_len < 16 || fft_len % 2 != 0) {
        throw std::invalid_argument("ofdm: fft_len must be even and >= 16 (got " +
                                    std::to_string(fft_len) + ")");
    }
    if (cp_len < 0 || cp_len >= fft_len) {
        throw std::invalid_argument("ofdm: cp_len must be in [0, fft_len)");
    }
    // Two carriers are kept free at each band edge so an integer CFO search has room to shift.
    if (occupied < 8 || occupied % 2 != 0 || occupied > fft_len - 6) {
        throw std::invalid_argument("ofdm: occupied must be even, >= 8 and <= fft_len - 6 (got " +
                                    std::to_string(occupied) + ")");
    }
    if (pilot_spacing < 2 || pilot_spacing > occupied / 2) {
        throw std::invalid_argument("ofdm: pilot_spacing must be in [2, occupied/2]");
    }
    sym_len = fft_len + cp_len;
    scale = 1.0f / std::sqrt(static_cast<float>(occupied));

    const int half = occupied / 2;
    for (int k = -half; k <= half; ++k) {
        if (k != 0) {
            carriers.push_back(k);
            bins.push_back((k + fft_len) % fft_len);
        }
    }
    for (int i = 0; i < occupied; ++i) {
        if (i % pilot_spacing == 0 || i == occupied - 1) {
            pilot_idx.push_back(i);
        } else {
            data_idx.push_back(i);
        }
    }

    const auto ces_bits = lfsr_sequence(9, 9, 5, 0x1A5, occupied);
    ces.resize(occupied);
    for (int i = 0; i < occupied; ++i) {
        ces[i] = ces_bits[i] ? -1.0f : 1.0f;
    }
    // Only even carriers: the time-domain symbol then repeats with period fft_len/2 (Schmidl-Cox).
    const auto pre_bits = lfsr_sequence(9, 9, 5, 0x0F3, occupied);
    const float boost = std::sqrt(2.0f);
    for (int i = 0; i < occupied; ++i) {
        if (carriers[i] % 2 == 0) {
            preamble_idx.push_back(i);
            preamble.push_back(pre_bits[i] ? -boost : boost);
        }
    }
    pilot_prbs = lfsr_sequence(7, 7, 4, 0x7F, 127);

    // At least 1.5 copies of the coded header: the repetition buys about 2 dB where frames are
    // weakest (a faded frame must still say what it is), for one extra symbol at FFT 128.
    const int min_slots = (3 * header_codec::coded_bits + 1) / 2;
    header_symbols = (min_slots + n_data() - 1) / n_data();
    header_slots = header_symbols * n_data();
}

} // namespace semsat
} // namespace gr

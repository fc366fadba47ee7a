/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_GAUSSIAN_NOISE_H
#define INCLUDED_SEMSAT_GAUSSIAN_NOISE_H

#include "random_source.h"
#include <array>
#include <cstddef>
#include <cstdint>

namespace gr {
namespace semsat {

/*!
 * \brief Standard normal samples by the ziggurat method (Marsaglia and Tsang, 2000), 128 layers.
 *
 * About 99% of draws take one table look-up and one multiply, which keeps AWGN at tens of
 * millions of complex samples per second on one core; the rare wedge and tail draws are exact.
 */
class gaussian_noise
{
public:
    explicit gaussian_noise(uint64_t seed);

    //! Fills \p out with \p n independent N(0, 1) values.
    void fill(float* out, size_t n);
    double next();

private:
    double from_wedge_or_tail(int32_t hz, uint32_t iz);
    int32_t next_i32();

    random_source d_rng;
    uint64_t d_bits = 0;     // a 64-bit draw holds two 32-bit ziggurat draws
    bool d_have_bits = false;
    std::array<uint32_t, 128> d_kn;
    std::array<double, 128> d_wn;
    std::array<double, 128> d_fn;
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "gaussian_noise.h"
#include <cmath>
#include <cstdlib>

namespace gr {
namespace semsat {

namespace {
constexpr double tail_start = 3.442619855899;       // r: start of the tail for 128 layers
constexpr double layer_area = 9.91256303526217e-3;  // v: area of each layer
constexpr double two_pow_31 = 2147483648.0;
} // namespace

gaussian_noise::gaussian_noise(uint64_t seed) : d_rng(seed)
{
    double dn = tail_start;
    double tn = dn;
    const double q = layer_area / std::exp(-0.5 * dn * dn);
    d_kn[0] = static_cast<uint32_t>((dn / q) * two_pow_31);
    d_kn[1] = 0;
    d_wn[0] = q / two_pow_31;
    d_wn[127] = dn / two_pow_31;
    d_fn[0] = 1.0;
    d_fn[127] = std::exp(-0.5 * dn * dn);
    for (int i = 126; i >= 1; --i) {
        dn = std::sqrt(-2.0 * std::log(layer_area / dn + std::exp(-0.5 * dn * dn)));
        d_kn[i + 1] = static_cast<uint32_t>((dn / tn) * two_pow_31);
        tn = dn;
        d_fn[i] = std::exp(-0.5 * dn * dn);
        d_wn[i] = dn / two_pow_31;
    }
}

int32_t gaussian_noise::next_i32()
{
    if (!d_have_bits) {
        d_bits = d_rng.next_u64();
        d_have_bits = true;
        return static_cast<int32_t>(static_cast<uint32_t>(d_bits >> 32));
    }
    d_have_bits = false;
    return static_cast<int32_t>(static_cast<uint32_t>(d_bits));
}

double gaussian_noise::next()
{
    const int32_t hz = next_i32();
    const uint32_t iz = static_cast<uint32_t>(hz) & 127u;
    if (static_cast<uint32_t>(std::abs(static_cast<int64_t>(hz))) < d_kn[iz]) {
        return hz * d_wn[iz];
    }
    return from_wedge_or_tail(hz, iz);
}

double gaussian_noise::from_wedge_or_tail(int32_t hz, uint32_t iz)
{
    for (;;) {
        double x = hz * d_wn[iz];
        if (iz == 0) {
            // Tail beyond r: Marsaglia's exponential rejection.
            double y;
            do {
                x = -std::log(1.0 - d_rng.uniform()) / tail_start;
                y = -std::log(1.0 - d_rng.uniform());
            } while (y + y < x * x);
            return hz > 0 ? tail_start + x : -tail_start - x;
        }
        if (d_fn[iz] + d_rng.uniform() * (d_fn[iz - 1] - d_fn[iz]) < std::exp(-0.5 * x * x)) {
            return x;
        }
        hz = next_i32();
        iz = static_cast<uint32_t>(hz) & 127u;
        if (static_cast<uint32_t>(std::abs(static_cast<int64_t>(hz))) < d_kn[iz]) {
            return hz * d_wn[iz];
        }
    }
}

void gaussian_noise::fill(float* out, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<float>(next());
    }
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chirp_rotator.h"
#include <volk/volk.h>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace gr {
namespace semsat {

namespace {
constexpr double two_pi = 6.283185307179586;
// VOLK rotates in single precision: the float phase increment is off by up to ~1e-7 rad per sample.
// Restarting from the exact double-precision phase every 512 samples bounds the accumulated error
// to ~5e-5 rad while the mean frequency stays exact.
constexpr int max_chunk = 512;
constexpr double max_quadratic_error_cycles = 1e-4;
} // namespace

chirp_rotator::chirp_rotator(double samp_rate)
    : d_samp_rate(samp_rate), d_max_chunk(max_chunk)
{
}

void chirp_rotator::set_rate(double hz_per_s)
{
    d_rate = hz_per_s;
    if (d_rate == 0.0) {
        d_max_chunk = max_chunk;
        return;
    }
    // Using the chunk's mean frequency, the phase error peaks mid-chunk at rate m^2 / (8 fs^2).
    const double m = d_samp_rate * std::sqrt(8.0 * max_quadratic_error_cycles / std::abs(d_rate));
    d_max_chunk = static_cast<int>(std::clamp(m, 1.0, static_cast<double>(max_chunk)));
}

void chirp_rotator::advance(int64_t n)
{
    const double dt = n / d_samp_rate;
    d_phase += d_freq * dt + 0.5 * d_rate * dt * dt;
    d_phase -= std::floor(d_phase);
    d_freq += d_rate * dt;
}

void chirp_rotator::rotate(const gr_complex* in, gr_complex* out, int n)
{
    if (d_freq == 0.0 && d_rate == 0.0 && d_phase == 0.0) {
        if (in != out) {
            std::memcpy(out, in, sizeof(gr_complex) * n);
        }
        return;
    }
    int done = 0;
    while (done < n) {
        const int m = std::min(n - done, d_max_chunk);
        const double mean_freq = d_freq + 0.5 * d_rate * m / d_samp_rate;
        const double step = two_pi * mean_freq / d_samp_rate;
        const gr_complex increment(std::cos(step), std::sin(step));
        gr_complex start(std::cos(two_pi * d_phase), std::sin(two_pi * d_phase));
        volk_32fc_s32fc_x2_rotator_32fc(out + done, in + done, increment, &start, m);
        advance(m);
        done += m;
    }
}

} // namespace semsat
} // namespace gr

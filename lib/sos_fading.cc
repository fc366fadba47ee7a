/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sos_fading.h"
#include "random_source.h"
#include <cmath>

namespace gr {
namespace semsat {

namespace {
constexpr double two_pi = 6.283185307179586;

// exp(j 2 pi cycles) with the whole number of cycles removed first, so large t keeps full precision.
std::complex<double> phasor(double cycles)
{
    const double frac = cycles - std::floor(cycles);
    return { std::cos(two_pi * frac), std::sin(two_pi * frac) };
}
} // namespace

sos_fading::sos_fading(double max_doppler, double k_factor, int n_sinusoids, uint64_t seed)
{
    random_source rng(seed);
    const bool non_fading = std::isinf(k_factor);
    d_los_amplitude = non_fading ? 1.0 : std::sqrt(k_factor / (k_factor + 1.0));
    const double diffuse_power = non_fading ? 0.0 : 1.0 / (k_factor + 1.0);
    d_los_freq = los_doppler_ratio * max_doppler;
    d_los_phase = rng.uniform();
    if (diffuse_power > 0.0) {
        d_diffuse_amplitude = std::sqrt(diffuse_power / n_sinusoids);
        for (int m = 0; m < n_sinusoids; ++m) {
            const double angle = two_pi * (m + rng.uniform()) / n_sinusoids;
            d_freqs.push_back(max_doppler * std::cos(angle));
            d_phases.push_back(rng.uniform());
        }
    } else {
        d_diffuse_amplitude = 0.0;
    }
    if (k_factor == 0.0) {
        d_los_amplitude = 0.0;
    }
}

std::complex<double> sos_fading::gain_at(double t) const
{
    std::complex<double> diffuse(0.0, 0.0);
    for (size_t m = 0; m < d_freqs.size(); ++m) {
        diffuse += phasor(d_freqs[m] * t + d_phases[m]);
    }
    std::complex<double> g = d_diffuse_amplitude * diffuse;
    if (d_los_amplitude > 0.0) {
        g += d_los_amplitude * phasor(d_los_freq * t + d_los_phase);
    }
    return g;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Unit tests of the channel's building blocks against closed forms and naive reference code.

#include "chirp_rotator.h"
#include "control_queue.h"
#include "fractional_delay.h"
#include "gaussian_noise.h"
#include "sparse_fir.h"
#include "tdl_profile.h"
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

namespace gs = gr::semsat;
using cplx = std::complex<double>;

namespace {
constexpr double two_pi = 6.283185307179586;

double phase_error(gr_complex got, cplx want)
{
    return std::abs(std::arg(cplx(got.real(), got.imag()) * std::conj(want)));
}
} // namespace

BOOST_AUTO_TEST_CASE(rotator_constant_frequency_does_not_drift)
{
    const double fs = 1e6, f = 12345.678;
    gs::chirp_rotator rot(fs);
    rot.set_frequency(f);
    const int n = 2000000;
    std::vector<gr_complex> x(n, gr_complex(1.0f, 0.0f)), y(n);
    for (int done = 0; done < n; done += 4096) { // work-call sized pieces
        rot.rotate(x.data() + done, y.data() + done, std::min(4096, n - done));
    }
    double worst = 0.0;
    for (int k = 0; k < n; k += 997) {
        const double cycles = f * k / fs;
        worst = std::max(worst, phase_error(y[k], std::polar(1.0, two_pi * (cycles - std::floor(cycles)))));
    }
    BOOST_CHECK_LT(worst, 1e-4);
}

BOOST_AUTO_TEST_CASE(rotator_chirp_follows_quadratic_phase)
{
    const double fs = 100e3, f0 = 20e3, rate = -581.0;
    gs::chirp_rotator rot(fs);
    rot.set_frequency(f0);
    rot.set_rate(rate);
    const int n = 400000;
    std::vector<gr_complex> x(n, gr_complex(1.0f, 0.0f)), y(n);
    rot.rotate(x.data(), y.data(), n);
    double worst = 0.0;
    for (int k = 0; k < n; k += 101) {
        const double t = k / fs;
        const double cycles = f0 * t + 0.5 * rate * t * t;
        worst = std::max(worst, phase_error(y[k], std::polar(1.0, two_pi * (cycles - std::floor(cycles)))));
    }
    BOOST_CHECK_LT(worst, two_pi * 2e-4);
    BOOST_CHECK_CLOSE(rot.frequency(), f0 + rate * n / fs, 1e-9);
}

BOOST_AUTO_TEST_CASE(fractional_delay_integer_is_a_single_tap)
{
    const gs::delay_kernel k = gs::fractional_delay_kernel(11.0, 16);
    BOOST_CHECK_EQUAL(k.first_index, 11);
    BOOST_REQUIRE_EQUAL(k.taps.size(), 1u);
    BOOST_CHECK_EQUAL(k.taps[0], 1.0f);
}

BOOST_AUTO_TEST_CASE(fractional_delay_is_flat_with_the_right_group_delay)
{
    for (double mu = 0.05; mu < 1.0; mu += 0.05) {
        const double delay = 8.0 + mu;
        const gs::delay_kernel k = gs::fractional_delay_kernel(delay, 16);
        for (double f = -0.4; f <= 0.4; f += 0.01) { // cycles per sample
            cplx h = 0.0;
            for (size_t i = 0; i < k.taps.size(); ++i) {
                h += double(k.taps[i]) * std::polar(1.0, -two_pi * f * (k.first_index + int(i)));
            }
            BOOST_CHECK_SMALL(20.0 * std::log10(std::abs(h)), 0.05);
            // Phase of an ideal delay: -2 pi f delay.
            const double err = std::abs(std::arg(h * std::polar(1.0, two_pi * f * delay)));
            BOOST_CHECK_SMALL(err, 0.01);
        }
    }
}

BOOST_AUTO_TEST_CASE(sparse_fir_equals_direct_convolution)
{
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    const std::vector<gs::delay_kernel> kernels = { gs::fractional_delay_kernel(8.0, 16),
                                                    gs::fractional_delay_kernel(9.37, 16),
                                                    gs::fractional_delay_kernel(140.5, 16) };
    gs::sparse_fir fir(kernels);
    const std::vector<gr_complex> gains = { { 0.3f, -0.2f }, { -0.5f, 0.1f }, { 0.05f, 0.7f } };
    fir.set_path_gains(gains);
    const int n = 1000, lag = fir.max_lag();
    std::vector<gr_complex> x(n + lag), y(n);
    for (auto& v : x) {
        v = { normal(rng), normal(rng) };
    }
    fir.filter(x.data() + lag, y.data(), n);
    for (int i = 0; i < n; ++i) {
        gr_complex want = 0.0f;
        for (size_t p = 0; p < kernels.size(); ++p) {
            for (size_t t = 0; t < kernels[p].taps.size(); ++t) {
                want += gains[p] * kernels[p].taps[t] * x[lag + i - kernels[p].first_index - int(t)];
            }
        }
        BOOST_CHECK_SMALL(std::abs(y[i] - want), 1e-4f);
    }
}

BOOST_AUTO_TEST_CASE(gaussian_noise_has_normal_moments)
{
    gs::gaussian_noise noise(42);
    const size_t n = 4000000;
    std::vector<float> v(n);
    noise.fill(v.data(), n);
    double m1 = 0, m2 = 0, m4 = 0, beyond3 = 0;
    for (float x : v) {
        m1 += x;
        m2 += double(x) * x;
        m4 += double(x) * x * x * x;
        beyond3 += std::abs(x) > 3.0f;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    BOOST_CHECK_SMALL(m1, 2e-3);
    BOOST_CHECK_CLOSE(m2, 1.0, 0.3);
    BOOST_CHECK_CLOSE(m4, 3.0, 1.5);
    BOOST_CHECK_CLOSE(beyond3 / n, 2.6998e-3, 5.0); // P(|X| > 3) of a standard normal
}

BOOST_AUTO_TEST_CASE(tdl_profiles_have_unit_normalized_delay_spread)
{
    for (const char* model : { "NTN-TDL-A", "NTN-TDL-B", "NTN-TDL-C", "NTN-TDL-D", "a", "d" }) {
        const gs::tdl_profile p = gs::tdl_profile::make(model, 1.0, {}, {}, NAN);
        BOOST_CHECK_CLOSE(p.rms_delay_spread(), 1.0, 0.01);
        double total = 0.0;
        for (const auto& path : p.paths()) {
            total += path.power;
        }
        BOOST_CHECK_CLOSE(total, 1.0, 1e-9);
    }
    BOOST_CHECK_THROW(gs::tdl_profile::make("NTN-TDL-X", 1.0, {}, {}, NAN), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(control_queue_orders_and_counts_late_updates)
{
    gs::control_queue q;
    auto at = [](uint64_t offset, double v) {
        gs::control_update u;
        u.immediate = false;
        u.offset = offset;
        u.values["doppler"] = v;
        return u;
    };
    q.push(at(500, 2.0));
    q.push(at(100, 1.0));
    BOOST_CHECK_EQUAL(q.next_offset(0), 100u);
    uint64_t late = 0;
    auto due = q.pop_due(100, late);
    BOOST_REQUIRE_EQUAL(due.size(), 1u);
    BOOST_CHECK_EQUAL(due[0].values.at("doppler"), 1.0);
    BOOST_CHECK_EQUAL(late, 0u);
    due = q.pop_due(600, late);
    BOOST_CHECK_EQUAL(due.size(), 1u);
    BOOST_CHECK_EQUAL(late, 1u);
    BOOST_CHECK_THROW(gs::parse_control_message(pmt::mp("bad"), { "doppler" }), std::invalid_argument);
}

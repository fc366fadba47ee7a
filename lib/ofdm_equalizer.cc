/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ofdm_equalizer.h"
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
constexpr double two_pi = 6.283185307179586;
constexpr double tap_threshold = 12.0; // a noise-only tap exceeds it with probability e^-12
} // namespace

ofdm_equalizer::ofdm_equalizer(
    const ofdm_numerology& num, int tap_lo, int tap_hi, float alpha, bool unbiased)
    : d_num(num),
      d_tap_lo(tap_lo),
      d_tap_hi(tap_hi),
      d_w(tap_hi - tap_lo + 1),
      d_alpha(alpha),
      d_unbiased(unbiased)
{
    if (d_w < 1 || d_w > num.occupied / 2) {
        throw std::invalid_argument("ofdm_equalizer: bad tap window");
    }
    if (!(alpha >= 0.0f && alpha <= 1.0f)) {
        throw std::invalid_argument("ofdm_equalizer: tracking alpha must be in [0, 1]");
    }
    const int n = num.fft_len, occ = num.occupied;
    d_steer.resize(static_cast<size_t>(d_w) * occ);
    for (int t = 0; t < d_w; ++t) {
        for (int i = 0; i < occ; ++i) {
            const double ph = two_pi * num.carriers[i] * (t + tap_lo) / n;
            d_steer[static_cast<size_t>(t) * occ + i] =
                gr_complex(static_cast<float>(std::cos(ph)), static_cast<float>(std::sin(ph)));
        }
    }
    d_gram.resize(2 * d_w - 1);
    for (int delta = -(d_w - 1); delta <= d_w - 1; ++delta) {
        std::complex<double> g = 0.0;
        for (int i = 0; i < occ; ++i) {
            g += std::polar(1.0, two_pi * num.carriers[i] * delta / n);
        }
        d_gram[delta + d_w - 1] = g;
    }
    d_b0.resize(d_w);
    d_h.assign(occ, gr_complex(1.0f, 0.0f));
    // Linear interpolation between the pilots that bracket each carrier (by occupied index).
    d_interp_left.resize(occ);
    d_interp_w.resize(occ);
    const auto& pil = num.pilot_idx;
    int p = 0;
    for (int i = 0; i < occ; ++i) {
        while (p + 2 < static_cast<int>(pil.size()) && pil[p + 1] <= i) {
            ++p;
        }
        const int a = pil[p], b = pil[p + 1];
        d_interp_left[i] = p;
        d_interp_w[i] = std::clamp(static_cast<float>(b - i) / static_cast<float>(b - a), 0.0f, 1.0f);
    }
    d_err.resize(pil.size());
}

void ofdm_equalizer::solve_taps()
{
    // Cholesky of the (small) Gram matrix of the chosen taps, in double; the tiny ridge only
    // guards rounding, since least squares noise in the frequency domain does not depend on the
    // conditioning (it is the projection onto the chosen taps' span).
    const int s = static_cast<int>(d_taps.size());
    std::vector<std::complex<double>> a(static_cast<size_t>(s) * s), y(s);
    const double ridge = 1e-9 * d_num.occupied;
    for (int r = 0; r < s; ++r) {
        for (int c = 0; c < s; ++c) {
            a[r * s + c] = d_gram[d_taps[r] - d_taps[c] + d_w - 1];
        }
        a[r * s + r] += ridge;
    }
    // In-place lower Cholesky factor.
    for (int j = 0; j < s; ++j) {
        double dsum = a[j * s + j].real();
        for (int k = 0; k < j; ++k) {
            dsum -= std::norm(a[j * s + k]);
        }
        const double l = std::sqrt(std::max(dsum, 1e-30));
        a[j * s + j] = l;
        for (int i = j + 1; i < s; ++i) {
            std::complex<double> v = a[i * s + j];
            for (int k = 0; k < j; ++k) {
                v -= a[i * s + k] * std::conj(a[j * s + k]);
            }
            a[i * s + j] = v / l;
        }
    }
    for (int i = 0; i < s; ++i) { // forward: L y = b
        std::complex<double> v = d_b0[d_taps[i]];
        for (int k = 0; k < i; ++k) {
            v -= a[i * s + k] * y[k];
        }
        y[i] = v / a[i * s + i].real();
    }
    d_tap_gain.assign(s, 0.0);
    for (int i = s - 1; i >= 0; --i) { // backward: L^H h = y
        std::complex<double> v = y[i];
        for (int k = i + 1; k < s; ++k) {
            v -= std::conj(a[k * s + i]) * d_tap_gain[k];
        }
        d_tap_gain[i] = v / a[i * s + i].real();
    }
}

void ofdm_equalizer::estimate(const gr_complex* z, float noise_var)
{
    const int occ = d_num.occupied;
    // Least squares per carrier: the CES is +-1, so dividing is multiplying.
    double power = 0.0;
    for (int i = 0; i < occ; ++i) {
        d_h[i] = z[i] * d_num.ces[i];
        power += std::norm(d_h[i]);
    }
    power /= occ;
    // A floor keeps a noiseless input from dividing by zero and from choosing taps forever.
    d_sigma2 = std::max(noise_var, static_cast<float>(1e-7 * power + 1e-30));

    for (int t = 0; t < d_w; ++t) {
        const gr_complex* st = &d_steer[static_cast<size_t>(t) * occ];
        std::complex<double> b = 0.0;
        for (int i = 0; i < occ; ++i) {
            b += std::complex<double>(d_h[i] * st[i]);
        }
        d_b0[t] = b;
    }
    // Orthogonal matching pursuit; the residual's correlation with tap t is
    // b0[t] - sum_s G(t - s) h_s, so no frequency-domain residual is ever formed.
    d_taps.clear();
    std::vector<char> used(d_w, 0);
    const double stop = tap_threshold * occ * static_cast<double>(d_sigma2);
    const int max_taps = std::min(d_w, occ / 4);
    while (static_cast<int>(d_taps.size()) < max_taps) {
        int best = -1;
        double best_pow = -1.0;
        for (int t = 0; t < d_w; ++t) {
            if (used[t]) {
                continue;
            }
            std::complex<double> r = d_b0[t];
            for (size_t k = 0; k < d_taps.size(); ++k) {
                r -= d_gram[t - d_taps[k] + d_w - 1] * d_tap_gain[k];
            }
            if (std::norm(r) > best_pow) {
                best_pow = std::norm(r);
                best = t;
            }
        }
        // |r|^2 / occ is the tap power seen through noise of variance sigma^2.
        if (best < 0 || (best_pow < stop && !d_taps.empty())) {
            break;
        }
        used[best] = 1;
        d_taps.push_back(best);
        solve_taps();
    }
    // Channel on the occupied carriers: H = sum_t h_t e^{-j 2 pi k d_t / N}.
    double hp = 0.0;
    for (int i = 0; i < occ; ++i) {
        std::complex<double> h = 0.0;
        for (size_t k = 0; k < d_taps.size(); ++k) {
            const gr_complex st = d_steer[static_cast<size_t>(d_taps[k]) * occ + i];
            h += d_tap_gain[k] * std::complex<double>(st.real(), -st.imag());
        }
        d_h[i] = gr_complex(static_cast<float>(h.real()), static_cast<float>(h.imag()));
        hp += std::norm(h);
    }
    d_snr = static_cast<float>(hp / occ / d_sigma2);
    d_est_factor = static_cast<float>(d_taps.size()) / occ;
}

float ofdm_equalizer::equalize(const gr_complex* z, int s, gr_complex* out, float* var)
{
    const auto& pil = d_num.pilot_idx;
    const int np = static_cast<int>(pil.size());
    // Common phase from the pilots: angle of sum z conj(H x).
    std::complex<float> acc = 0.0f;
    float pz = 0.0f, ph = 0.0f;
    for (int p = 0; p < np; ++p) {
        const int i = pil[p];
        const gr_complex zx = z[i] * d_num.pilot_value(s, p);
        acc += zx * std::conj(d_h[i]);
        pz += std::norm(z[i]);
        ph += std::norm(d_h[i]);
    }
    const float mag = std::abs(acc);
    const float quality = (pz > 0.0f && ph > 0.0f) ? mag * mag / (pz * ph) : 0.0f;
    const gr_complex derot = mag > 0.0f ? std::conj(acc) / mag : gr_complex(1.0f, 0.0f);

    if (d_alpha > 0.0f) {
        for (int p = 0; p < np; ++p) {
            const int i = pil[p];
            d_err[p] = z[i] * d_num.pilot_value(s, p) * derot - d_h[i];
        }
        for (int i = 0; i < d_num.occupied; ++i) {
            const int p = d_interp_left[i];
            const float w = d_interp_w[i];
            d_h[i] += d_alpha * (w * d_err[p] + (1.0f - w) * d_err[p + 1]);
        }
    }

    const int nd = d_num.n_data();
    const int* idx = d_num.data_idx.data();
    const float s2 = d_sigma2, s2e = d_sigma2 * (1.0f + d_est_factor);
    for (int j = 0; j < nd; ++j) {
        const int i = idx[j];
        const gr_complex h = d_h[i];
        const float h2 = h.real() * h.real() + h.imag() * h.imag();
        const gr_complex zc = z[i] * derot;
        // conj(h) * zc without std::complex's NaN-checking multiply.
        const gr_complex num(h.real() * zc.real() + h.imag() * zc.imag(),
                             h.real() * zc.imag() - h.imag() * zc.real());
        if (d_unbiased) {
            const float inv = 1.0f / std::max(h2, 1e-30f);
            out[j] = num * inv;
            var[j] = s2e * inv;
        } else {
            const float inv = 1.0f / (h2 + s2);
            out[j] = num * inv;
            var[j] = s2e * inv;
        }
    }
    return quality;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "schmidl_cox_detector.h"
#include <volk/volk.h>
#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

namespace gr {
namespace semsat {

int first_nonfinite(const gr_complex* x, int n)
{
    const float* f = reinterpret_cast<const float*>(x);
    // x * 0 is 0 for finite x and NaN otherwise: a branch-free test the compiler vectorises;
    // the exact index is searched only inside a block that failed.
    constexpr int block = 256;
    for (int start = 0; start < 2 * n; start += block) {
        const int end = std::min(2 * n, start + block);
        float acc = 0.0f;
        for (int i = start; i < end; ++i) {
            acc += f[i] * 0.0f;
        }
        if (acc != 0.0f || std::isnan(acc)) {
            for (int i = start; i < end; ++i) {
                if (!std::isfinite(f[i])) {
                    return i / 2;
                }
            }
        }
    }
    return -1;
}

schmidl_cox_detector::schmidl_cox_detector(const ofdm_numerology& num, float threshold)
    : d_num(num), d_half(num.fft_len / 2), d_threshold(threshold)
{
    if (!(threshold > 0.0f && threshold < 1.0f)) {
        throw std::invalid_argument("schmidl_cox_detector: threshold must be in (0, 1)");
    }
    for (int i = 0; i + 1 < num.occupied; ++i) {
        if (num.carriers[i + 1] == num.carriers[i] + 1) {
            d_pairs.push_back(i);
        }
    }
}

void schmidl_cox_detector::prepare(const gr_complex* x, int n_pos)
{
    const size_t nc = n_pos + d_half - 1, ne = n_pos + 2 * d_half - 1;
    if (d_c.size() < nc) {
        d_c.resize(nc);
    }
    if (d_e.size() < ne) {
        d_e.resize(ne);
    }
    // c[n] = x[n + L] conj(x[n]), e[n] = |x[n]|^2, vectorised once per sample.
    volk_32fc_x2_multiply_conjugate_32fc(d_c.data(), x + d_half, x, nc);
    volk_32fc_magnitude_squared_32f(d_e.data(), x, ne);
}

int schmidl_cox_detector::find_trigger(const gr_complex* x, int n_pos)
{
    constexpr int chunk = 8192; // bounds the scratch buffers
    for (int base = 0; base < n_pos; base += chunk) {
        const int n = std::min(chunk, n_pos - base);
        prepare(x + base, n);
        const int L = d_half;
        // Running sums in double: the subtraction of old terms then loses nothing measurable
        // within one chunk, and every chunk starts from exact sums.
        double pr = 0.0, pi = 0.0, e1 = 0.0, e2 = 0.0;
        for (int k = 0; k < L; ++k) {
            pr += d_c[k].real();
            pi += d_c[k].imag();
            e1 += d_e[k];
            e2 += d_e[k + L];
        }
        const double thr = d_threshold;
        for (int i = 0; i < n; ++i) {
            if (pr * pr + pi * pi > thr * e1 * e2 && e1 > 0.0 && e2 > 0.0) {
                return base + i;
            }
            if (i + 1 < n) {
                pr += d_c[i + L].real() - d_c[i].real();
                pi += d_c[i + L].imag() - d_c[i].imag();
                e1 += d_e[i + L] - d_e[i];
                e2 += d_e[i + 2 * L] - d_e[i + L];
            }
        }
    }
    return -1;
}

std::vector<float> schmidl_cox_detector::metric(const gr_complex* x, int n_pos)
{
    std::vector<float> m(n_pos);
    prepare(x, n_pos);
    const int L = d_half;
    for (int i = 0; i < n_pos; ++i) {
        // Direct sums: exact, used only over short spans.
        std::complex<double> p = 0.0;
        double e1 = 0.0, e2 = 0.0;
        for (int k = 0; k < L; ++k) {
            p += std::complex<double>(d_c[i + k].real(), d_c[i + k].imag());
            e1 += d_e[i + k];
            e2 += d_e[i + k + L];
        }
        m[i] = (e1 > 0.0 && e2 > 0.0) ? static_cast<float>(std::norm(p) / (e1 * e2)) : 0.0f;
    }
    return m;
}

schmidl_cox_detector::plateau schmidl_cox_detector::find_plateau(const gr_complex* x, int i0, int span)
{
    const std::vector<float> m = metric(x + i0, span);
    const int arg = static_cast<int>(std::max_element(m.begin(), m.end()) - m.begin());
    const float top = m[arg];
    int first = arg, last = arg;
    for (int i = 0; i < span; ++i) {
        if (m[i] >= 0.9f * top) {
            first = std::min(first, i);
            last = std::max(last, i);
        }
    }
    plateau pl;
    pl.mid = i0 + (first + last) / 2;
    pl.last = i0 + last;
    pl.metric = top;
    // The phase of P is averaged over the whole plateau (every start there sees the same phase).
    std::complex<double> p = 0.0;
    for (int i = first; i <= last; ++i) {
        if (m[i] >= 0.9f * top) {
            for (int k = 0; k < d_half; ++k) {
                p += std::complex<double>(d_c[i + k].real(), d_c[i + k].imag());
            }
        }
    }
    pl.cfo_frac = static_cast<float>(std::arg(p) / M_PI);
    return pl;
}

int schmidl_cox_detector::integer_cfo(const gr_complex* y, int max_shift, float& rho) const
{
    const int n = d_num.fft_len;
    int best = 0;
    float best_rho = -1.0f;
    const int lim = max_shift + (max_shift % 2); // even shifts cover every integer once with cfo_frac
    for (int d = -lim; d <= lim; d += 2) {
        std::complex<float> c = 0.0f;
        float norm = 0.0f;
        for (int i : d_pairs) {
            const gr_complex a = y[(d_num.carriers[i] + d + n) % n];
            const gr_complex b = y[(d_num.carriers[i + 1] + d + n) % n];
            c += a * std::conj(b) * (d_num.ces[i] * d_num.ces[i + 1]);
            norm += 0.5f * (std::norm(a) + std::norm(b));
        }
        const float r = norm > 0.0f ? std::abs(c) / norm : 0.0f;
        if (r > best_rho) {
            best_rho = r;
            best = d;
        }
    }
    rho = best_rho;
    return best;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sparse_fir.h"
#include <volk/volk.h>
#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
// Two kernels separated by at most this many zero taps share a segment: a few extra multiplies
// cost less than another dot-product call per output sample.
constexpr int merge_gap = 8;
} // namespace

sparse_fir::sparse_fir(const std::vector<delay_kernel>& path_kernels) : d_kernels(path_kernels)
{
    if (d_kernels.empty()) {
        throw std::invalid_argument("sparse_fir needs at least one path");
    }
    std::vector<size_t> order(d_kernels.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [this](size_t a, size_t b) {
        return d_kernels[a].first_index < d_kernels[b].first_index;
    });

    d_placements.resize(d_kernels.size());
    std::vector<std::pair<int, int>> extents; // first lag, one past the last lag
    for (size_t idx : order) {
        const delay_kernel& k = d_kernels[idx];
        const int begin = k.first_index;
        const int end = k.first_index + static_cast<int>(k.taps.size());
        if (extents.empty() || begin > extents.back().second + merge_gap) {
            extents.emplace_back(begin, end);
        } else {
            extents.back().second = std::max(extents.back().second, end);
        }
        d_placements[idx] = { extents.size() - 1, begin - extents.back().first };
    }
    for (const auto& e : extents) {
        d_segments.push_back({ e.first, volk::vector<gr_complex>(e.second - e.first) });
        d_max_lag = std::max(d_max_lag, e.second - 1);
    }
}

void sparse_fir::set_path_gains(const std::vector<gr_complex>& gains)
{
    for (auto& s : d_segments) {
        std::fill(s.reversed_taps.begin(), s.reversed_taps.end(), gr_complex(0.0f, 0.0f));
    }
    for (size_t p = 0; p < d_kernels.size(); ++p) {
        segment& s = d_segments[d_placements[p].segment];
        const int len = static_cast<int>(s.reversed_taps.size());
        const std::vector<float>& taps = d_kernels[p].taps;
        for (size_t k = 0; k < taps.size(); ++k) {
            const int lag_in_segment = d_placements[p].offset + static_cast<int>(k);
            s.reversed_taps[len - 1 - lag_in_segment] += gains[p] * taps[k];
        }
    }
}

void sparse_fir::filter(const gr_complex* in, gr_complex* out, int n) const
{
    const segment& first = d_segments.front();
    const int first_len = static_cast<int>(first.reversed_taps.size());
    // in[i - lag] for lag = first_lag + len - 1 ... first_lag, in increasing sample order.
    const gr_complex* base = in - first.first_lag - (first_len - 1);
    for (int i = 0; i < n; ++i) {
        volk_32fc_x2_dot_prod_32fc(out + i, base + i, first.reversed_taps.data(), first_len);
    }
    for (size_t s = 1; s < d_segments.size(); ++s) {
        const segment& seg = d_segments[s];
        const int len = static_cast<int>(seg.reversed_taps.size());
        const gr_complex* seg_base = in - seg.first_lag - (len - 1);
        for (int i = 0; i < n; ++i) {
            gr_complex acc;
            volk_32fc_x2_dot_prod_32fc(&acc, seg_base + i, seg.reversed_taps.data(), len);
            out[i] += acc;
        }
    }
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "air_clock.h"
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gr {
namespace semsat {

const pmt::pmt_t tx_time_key = pmt::mp("tx_time");

air_clock::air_clock(double samp_rate) : d_samp_rate(samp_rate) {}

double air_clock::seconds(const pmt::pmt_t& value)
{
    double s = std::numeric_limits<double>::quiet_NaN();
    const auto whole = [](const pmt::pmt_t& v) {
        return pmt::is_uint64(v) ? static_cast<double>(pmt::to_uint64(v)) : pmt::to_double(v);
    };
    if (pmt::is_real(value) || pmt::is_integer(value) || pmt::is_uint64(value)) {
        s = whole(value);
    } else if (pmt::is_tuple(value) && pmt::length(value) == 2) {
        const pmt::pmt_t full = pmt::tuple_ref(value, 0);
        const pmt::pmt_t frac = pmt::tuple_ref(value, 1);
        if ((pmt::is_uint64(full) || pmt::is_integer(full)) && pmt::is_real(frac)) {
            s = whole(full) + pmt::to_double(frac);
        }
    }
    if (!std::isfinite(s) || s < 0.0) {
        throw std::invalid_argument(
            "tx_time must be seconds >= 0 (a number, or UHD's (uint64 seconds, double fraction) tuple)");
    }
    return s;
}

void air_clock::schedule(uint64_t offset, const pmt::pmt_t& value, uint64_t delay)
{
    try {
        const long long air = std::llround(seconds(value) * d_samp_rate);
        d_starts.emplace_back(offset, static_cast<uint64_t>(air) + delay);
    } catch (const std::invalid_argument&) {
        ++d_malformed;
    }
}

uint64_t air_clock::next_start() const
{
    return d_starts.empty() ? std::numeric_limits<uint64_t>::max() : d_starts.front().first;
}

uint64_t air_clock::reach(uint64_t now)
{
    uint64_t skipped = 0;
    while (!d_starts.empty() && d_starts.front().first <= now) {
        const uint64_t target = d_starts.front().second;
        d_starts.pop_front();
        const uint64_t air = now + d_skipped;
        if (target > air) {
            skipped += target - air;
            d_skipped += target - air;
        } else if (target < air) {
            ++d_late;
        }
    }
    return skipped;
}

} // namespace semsat
} // namespace gr

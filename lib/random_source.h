/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_RANDOM_SOURCE_H
#define INCLUDED_SEMSAT_RANDOM_SOURCE_H

#include <array>
#include <cstdint>

namespace gr {
namespace semsat {

/*!
 * \brief xoshiro256+ uniform generator (Blackman and Vigna), seeded through splitmix64.
 *
 * Chosen over std::mt19937 for speed in the noise hot path; its output is identical on every
 * platform, which keeps seeded runs reproducible.
 */
class random_source
{
public:
    explicit random_source(uint64_t seed);

    uint64_t next_u64()
    {
        const uint64_t result = d_s[0] + d_s[3];
        const uint64_t t = d_s[1] << 17;
        d_s[2] ^= d_s[0];
        d_s[3] ^= d_s[1];
        d_s[1] ^= d_s[2];
        d_s[0] ^= d_s[3];
        d_s[2] ^= t;
        d_s[3] = rotl(d_s[3], 45);
        return result;
    }

    //! Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

    //! A seed for an independent sub-generator (e.g. one per fading path).
    uint64_t derive_seed() { return next_u64() ^ 0x9e3779b97f4a7c15ULL; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<uint64_t, 4> d_s;
};

} // namespace semsat
} // namespace gr

#endif

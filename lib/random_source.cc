/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "random_source.h"

namespace gr {
namespace semsat {

random_source::random_source(uint64_t seed)
{
    // splitmix64 expands one seed into a well-mixed state; it never yields the all-zero state.
    uint64_t z = seed;
    for (auto& word : d_s) {
        z += 0x9e3779b97f4a7c15ULL;
        uint64_t x = z;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        word = x ^ (x >> 31);
    }
}

} // namespace semsat
} // namespace gr

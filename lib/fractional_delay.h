/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_FRACTIONAL_DELAY_H
#define INCLUDED_SEMSAT_FRACTIONAL_DELAY_H

#include <vector>

namespace gr {
namespace semsat {

//! Taps of a delay filter: out[n] = sum_k taps[k] in[n - first_index - k].
struct delay_kernel {
    int first_index;
    std::vector<float> taps;
};

/*!
 * \brief Band-limited fractional delay: a Kaiser-windowed sinc of \p ntaps taps (beta 6) centred on
 * \p delay samples, scaled to unit energy so a path keeps its power for a white input.
 *
 * An integer delay gives a single unit tap. \p ntaps = 1 rounds to the nearest sample. The delay
 * must be at least ntaps/2 - 1 so that the filter stays causal: callers add a fixed latency.
 */
delay_kernel fractional_delay_kernel(double delay, int ntaps);

} // namespace semsat
} // namespace gr

#endif

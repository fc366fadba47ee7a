/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_SPARSE_FIR_H
#define INCLUDED_SEMSAT_SPARSE_FIR_H

#include "fractional_delay.h"
#include <gnuradio/gr_complex.h>
#include <volk/volk_alloc.hh>
#include <complex>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Time-varying multipath filter: y[n] = sum_p h_p g_p * x[n], with fixed delay kernels g_p
 * and path gains h_p updated between calls.
 *
 * Paths whose kernels lie close together are merged into one dense segment, so a profile with a
 * long, sparse delay spread (e.g. NTN-TDL-C, 14.8 DS) costs the taps of its occupied regions only.
 */
class sparse_fir
{
public:
    explicit sparse_fir(const std::vector<delay_kernel>& path_kernels);

    //! Sets the complex gain of every path (one per kernel given at construction).
    void set_path_gains(const std::vector<gr_complex>& gains);

    //! Largest input lag used: the caller keeps max_lag() samples of history before in[0].
    int max_lag() const { return d_max_lag; }

    /*!
     * \param in pointer to the input sample aligned with out[0]; in[-max_lag()] must be valid
     * \param out n output samples
     */
    void filter(const gr_complex* in, gr_complex* out, int n) const;

private:
    struct segment {
        int first_lag;
        volk::vector<gr_complex> reversed_taps;
    };
    struct placement {
        size_t segment;
        int offset;
    };
    std::vector<delay_kernel> d_kernels;
    std::vector<placement> d_placements;
    std::vector<segment> d_segments;
    int d_max_lag = 0;
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_CHIRP_ROTATOR_H
#define INCLUDED_SEMSAT_CHIRP_ROTATOR_H

#include <gnuradio/gr_complex.h>
#include <cstdint>

namespace gr {
namespace semsat {

/*!
 * \brief Phase-continuous frequency shift whose frequency may change linearly with time.
 *
 * The phase is kept in double precision (cycles) and advanced by the exact integral of the
 * frequency, f(k) = f + rate k / fs, so frequency or rate changes never cause a phase jump and
 * long runs do not drift. Inside a chunk (at most 512 samples) VOLK's rotator applies the chunk's
 * mean frequency; with a rate, chunks are also short enough that the quadratic phase term deviates
 * by less than 1e-4 cycles.
 */
class chirp_rotator
{
public:
    explicit chirp_rotator(double samp_rate);

    void set_frequency(double hz) { d_freq = hz; }
    void set_rate(double hz_per_s);
    double frequency() const { return d_freq; }
    double rate() const { return d_rate; }
    //! Current phase in cycles, in [0, 1).
    double phase() const { return d_phase; }

    //! out[k] = in[k] exp(j 2 pi phase(k)) for n samples (in may equal out), advancing the state.
    void rotate(const gr_complex* in, gr_complex* out, int n);
    //! Advances the state by n samples without touching any data.
    void advance(int64_t n);

private:
    double d_samp_rate;
    double d_phase = 0.0;
    double d_freq = 0.0;
    double d_rate = 0.0;
    int d_max_chunk;
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_SCHMIDL_COX_DETECTOR_H
#define INCLUDED_SEMSAT_SCHMIDL_COX_DETECTOR_H

#include "ofdm_numerology.h"
#include <gnuradio/gr_complex.h>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Schmidl & Cox preamble detection and the CES-based integer frequency search.
 *
 * Metric of the window starting at i, with half length L = fft_len/2:
 *   M(i) = |P(i)|^2 / (E1(i) E2(i)),  P(i) = sum_n conj(x[i+n]) x[i+n+L],
 * E1 and E2 the energies of the two halves. By Cauchy-Schwarz M is in [0, 1] whatever the signal
 * level, so one threshold works at any gain; for white noise M follows Beta(1, L-1) (mean 1/L),
 * e.g. P(M > 0.2) = 0.8^63 ~ 1e-6 for L = 64, while a preamble at SNR s gives about (s/(1+s))^2.
 * The phase of P is pi times the CFO in subcarriers, unambiguous in (-1, 1]; the remaining even
 * integer part is found on the CES by integer_cfo().
 */
class schmidl_cox_detector
{
public:
    schmidl_cox_detector(const ofdm_numerology& num, float threshold);

    //! Samples past a window start that the metric reads.
    int window() const { return d_num.fft_len; }
    /*!
     * First window start i in [0, n_pos) with M(i) > threshold, or -1. x must hold
     * n_pos + fft_len - 1 samples.
     */
    int find_trigger(const gr_complex* x, int n_pos);

    struct plateau {
        int mid;       //!< middle of the region where M >= 0.9 max (about preamble start + cp/2)
        int last;      //!< last window start of that region
        float metric;  //!< max M
        float cfo_frac; //!< fractional CFO in subcarriers, in (-1, 1]
    };
    //! Examines M over [i0, i0 + span); x must hold span + fft_len - 1 samples from i0.
    plateau find_plateau(const gr_complex* x, int i0, int span);

    /*!
     * Even carrier shift d (|d| <= max_shift) that best aligns the FFT of a CES window \p y
     * (fft_len bins, fractional CFO removed) with the known CES, and its normalised differential
     * correlation \p rho in [0, 1]. Products of neighbouring carriers cancel the timing offset and
     * most of the channel, so the search works before fine timing and channel estimation.
     */
    int integer_cfo(const gr_complex* y, int max_shift, float& rho) const;

    //! M(i) for i in [0, n_pos) (for tests and plots).
    std::vector<float> metric(const gr_complex* x, int n_pos);

private:
    // Fills d_c (products) and d_e (energies) for window starts [0, n_pos).
    void prepare(const gr_complex* x, int n_pos);

    ofdm_numerology d_num;
    int d_half;
    float d_threshold;
    std::vector<gr_complex> d_c;
    std::vector<float> d_e;
    std::vector<int> d_pairs; // occupied index i such that carriers i and i+1 are neighbours
};

//! Index of the first non-finite sample in x[0, n), or -1.
int first_nonfinite(const gr_complex* x, int n);

} // namespace semsat
} // namespace gr

#endif

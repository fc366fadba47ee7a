/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_SOS_FADING_H
#define INCLUDED_SEMSAT_SOS_FADING_H

#include <complex>
#include <cstdint>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Complex gain of one fading path by a sum of sinusoids, evaluated at any time.
 *
 * The diffuse part is (1/sqrt(M)) sum_m exp(j (2 pi f_D cos(a_m) t + p_m)) with arrival angles
 * a_m = 2 pi (m + u_m) / M (one uniform draw inside each of M equal sectors) and uniform phases
 * p_m. Because the sectors tile the circle, the ensemble autocorrelation is exactly
 * J0(2 pi f_D tau) for any M (Clarke/Jakes), and the sum tends to a complex Gaussian as M grows.
 * A Rician path adds sqrt(K/(K+1)) exp(j (2 pi f_LOS t + p_0)) with f_LOS = 0.7 f_D (TR 38.901,
 * TDL-D). Evaluating by time instead of recursion keeps long runs drift-free and reproducible.
 */
class sos_fading
{
public:
    /*!
     * \param max_doppler f_D in Hz
     * \param k_factor Rician K (linear; 0 Rayleigh, +inf non-fading)
     * \param n_sinusoids M
     * \param seed seed of the angles and phases
     */
    sos_fading(double max_doppler, double k_factor, int n_sinusoids, uint64_t seed);

    //! Unit-average-power gain at time \p t seconds.
    std::complex<double> gain_at(double t) const;

    static constexpr double los_doppler_ratio = 0.7;

private:
    double d_los_amplitude;
    double d_diffuse_amplitude; // includes 1/sqrt(M)
    double d_los_freq;
    double d_los_phase;
    std::vector<double> d_freqs;  // f_D cos(a_m), Hz
    std::vector<double> d_phases; // cycles
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_EQUALIZER_H
#define INCLUDED_SEMSAT_OFDM_EQUALIZER_H

#include "ofdm_numerology.h"
#include <gnuradio/gr_complex.h>
#include <complex>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Channel estimation from the CES, pilot tracking and per-carrier MMSE equalisation.
 *
 * Estimation: the least-squares estimate on the CES (one value per occupied carrier, noise
 * variance sigma^2 each) is projected onto a sparse channel impulse response with taps in
 * [tap_lo, tap_hi] samples, chosen greedily (orthogonal matching pursuit) while a new tap stands
 * out of the noise by more than 12 sigma^2 per tap. In AWGN one tap is kept, so the estimate's own
 * noise is sigma^2 / occupied per carrier instead of sigma^2 (a 3 dB loss avoided); with multipath
 * the taps follow the channel.
 *
 * Tracking: in every header/payload symbol the pilots give the common phase error (residual CFO,
 * phase noise), which is removed, and their residuals against the current estimate, linearly
 * interpolated across carriers, update it with weight \p alpha (slow fading).
 *
 * Equalisation: x = z conj(H) / (|H|^2 + sigma^2), the MMSE estimate, then (by default) divided by
 * its bias |H|^2 / (|H|^2 + sigma^2) so that QAM decisions need no rescaling; the output noise
 * variance is sigma^2 / |H|^2 (unbiased) or sigma^2 / (|H|^2 + sigma^2) (biased), times
 * (1 + taps/occupied) for the estimation error.
 */
class ofdm_equalizer
{
public:
    ofdm_equalizer(const ofdm_numerology& num, int tap_lo, int tap_hi, float alpha, bool unbiased);

    //! z: CES carrier values in unit-power units; noise_var: per-carrier noise variance.
    void estimate(const gr_complex* z, float noise_var);
    /*!
     * Equalises header/payload symbol s (counting from the first header symbol), writing the
     * n_data() data carriers to out and their noise variances to var. Returns the pilot
     * quality |<z, H x>|^2 / (|z|^2 |H x|^2) in [0, 1] (before tracking).
     */
    float equalize(const gr_complex* z, int s, gr_complex* out, float* var);

    float noise_var() const { return d_sigma2; }
    //! Mean |H|^2 / sigma^2 over the occupied carriers, from the CES.
    float snr() const { return d_snr; }
    //! Pilot quality expected from the CES SNR: s / (1 + s).
    float expected_quality() const { return d_snr / (1.0f + d_snr); }
    int n_taps() const { return static_cast<int>(d_taps.size()); }
    const std::vector<int>& taps() const { return d_taps; }
    const std::vector<gr_complex>& channel() const { return d_h; }

private:
    void solve_taps(); // least squares on d_taps -> d_tap_gain

    ofdm_numerology d_num;
    int d_tap_lo, d_tap_hi, d_w;
    float d_alpha;
    bool d_unbiased;
    std::vector<gr_complex> d_steer;            // W x occupied, e^{+j 2 pi k d / N}
    std::vector<std::complex<double>> d_gram;   // Gram values by tap distance (2W-1)
    std::vector<std::complex<double>> d_b0;     // correlation of the LS estimate with each tap
    std::vector<int> d_taps;                    // chosen tap indices (0..W-1)
    std::vector<std::complex<double>> d_tap_gain;
    std::vector<gr_complex> d_h;                // channel per occupied carrier
    std::vector<float> d_interp_w;              // per occupied carrier: weight of its left pilot
    std::vector<int> d_interp_left;             // per occupied carrier: index into pilot_idx
    std::vector<gr_complex> d_err;              // pilot residuals
    float d_sigma2 = 1.0f;
    float d_snr = 0.0f;
    float d_est_factor = 0.0f;
};

} // namespace semsat
} // namespace gr

#endif

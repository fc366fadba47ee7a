/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_NTN_TDL_CHANNEL_CC_H
#define INCLUDED_SEMSAT_NTN_TDL_CHANNEL_CC_H

#include <gnuradio/semsat/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief 3GPP TR 38.811 NTN tapped-delay-line satellite channel.
 * \ingroup semsat
 *
 * \details
 * Models the link between a satellite and a ground terminal at complex baseband:
 *
 *   y(t) = g * e^{j 2 pi phi(t)} * sum_p h_p(t) x(t - tau_p - tau_prop) + w(t)
 *
 * - Multipath: NTN-TDL-A, -B, -C, -D (TR 38.811 section 6.9.2), "LOS" (a single non-fading path) or
 *   "custom" taps. TR delays are normalized and scaled by \p delay_spread; powers are normalized so the
 *   average channel power gain is one. Each Rayleigh path fades by an independent sum of sinusoids with
 *   maximum Doppler f_D = v_UE f_c / c (Jakes spectrum, ensemble autocorrelation J0(2 pi f_D tau)). The
 *   first tap of C and D is Rician with the TR K-factors; its LOS component rotates at 0.7 f_D, the
 *   convention of TR 38.901 section 7.7.2 for TDL-D.
 * - Fractional delays: every path is a Kaiser-windowed sinc of \p interp_taps taps (unit gain,
 *   flat to +-0.05 dB for |f| < 0.4 fs), which adds a fixed latency of interp_taps/2 samples; paths whose kernels overlap share one dense
 *   FIR segment, so sparse profiles cost only their non-empty parts.
 * - Bulk satellite Doppler f(t) = doppler + doppler_rate * t (common to all paths), phase-continuous.
 * - Path gain \p gain_db and AWGN at \p snr_db: the noise power is gain / SNR, so SNR is the average
 *   SNR of a unit-power input whatever the gain and fading.
 * - Fading coefficients are evaluated every \p update_interval samples (0 picks about 1/200 of a
 *   Doppler period, capped at 4096), far inside the channel's coherence time.
 *
 * Control port "ctrl" takes a PMT dict (or a single (key . value) pair) with any of the keys
 * "doppler" (Hz), "doppler_rate" (Hz/s), "gain_db", "snr_db", and optionally "offset" (uint64,
 * absolute input sample index at which the update applies; without it the update applies at the
 * next sample processed). Updates are sample-exact and keep the phase continuous. Malformed
 * messages are logged and counted (n_ctrl_rejected()), never fatal.
 *
 * With \p state_tag_interval > 0 the block tags its output every that many samples, and at every
 * applied control update, with key "channel_state": a dict of the true snr_db, doppler, doppler_rate, gain_db and the complex path
 * gains "taps" (c32vector, one per path), for genie-aided evaluation. Input tags are moved by the
 * block's latency. Output is reproducible for a given \p seed.
 */
class SEMSAT_API ntn_tdl_channel_cc : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<ntn_tdl_channel_cc> sptr;

    /*!
     * \param samp_rate sample rate in Hz (> 0)
     * \param model "NTN-TDL-A", "NTN-TDL-B", "NTN-TDL-C", "NTN-TDL-D" (or just "A".."D"),
     *        "LOS" or "custom"
     * \param delay_spread desired RMS delay spread in seconds (TR models; >= 0)
     * \param carrier_freq carrier frequency in Hz (for the UE Doppler spread)
     * \param ue_speed_kmh terminal speed in km/h (f_D = v f_c / c)
     * \param doppler initial bulk satellite Doppler shift in Hz
     * \param doppler_rate initial Doppler rate in Hz/s
     * \param gain_db path gain in dB
     * \param snr_db average SNR in dB for a unit-power input
     * \param noise_enabled add AWGN
     * \param seed seed of the fading and noise generators
     * \param custom_delays path delays in seconds (model "custom")
     * \param custom_powers_db path powers in dB (model "custom")
     * \param custom_k_db Rician K-factor of the first custom path in dB (NaN: Rayleigh)
     * \param propagation_delay extra delay common to all paths in seconds (e.g. slant range / c)
     * \param n_sinusoids sinusoids per fading path (>= 4)
     * \param interp_taps length of the fractional-delay interpolator (1 = nearest sample, else even)
     * \param update_interval samples between fading coefficient updates (0 = automatic)
     * \param state_tag_interval samples between "channel_state" tags (0 = no tags)
     */
    static sptr make(double samp_rate,
                     const std::string& model = "NTN-TDL-A",
                     double delay_spread = 100e-9,
                     double carrier_freq = 2e9,
                     double ue_speed_kmh = 3.0,
                     double doppler = 0.0,
                     double doppler_rate = 0.0,
                     double gain_db = 0.0,
                     double snr_db = 20.0,
                     bool noise_enabled = true,
                     uint64_t seed = 1,
                     const std::vector<double>& custom_delays = std::vector<double>(),
                     const std::vector<double>& custom_powers_db = std::vector<double>(),
                     double custom_k_db = std::numeric_limits<double>::quiet_NaN(),
                     double propagation_delay = 0.0,
                     int n_sinusoids = 32,
                     int interp_taps = 16,
                     int update_interval = 0,
                     int state_tag_interval = 0);

    //! Bulk Doppler shift now (Hz).
    virtual double doppler() const = 0;
    //! Doppler rate now (Hz/s).
    virtual double doppler_rate() const = 0;
    virtual double gain_db() const = 0;
    virtual double snr_db() const = 0;
    //! Thread-safe setters: they apply at the next sample the block processes.
    virtual void set_doppler(double doppler) = 0;
    virtual void set_doppler_rate(double doppler_rate) = 0;
    virtual void set_gain_db(double gain_db) = 0;
    virtual void set_snr_db(double snr_db) = 0;

    //! Path delays in seconds (after delay-spread scaling, without latency).
    virtual std::vector<double> path_delays() const = 0;
    //! Average path powers (linear, normalized to a sum of one); a Rician path counts LOS + diffuse.
    virtual std::vector<double> path_powers() const = 0;
    //! Rician K-factors per path in dB (-inf for Rayleigh paths).
    virtual std::vector<double> path_k_factors_db() const = 0;
    //! RMS delay spread of the configured profile in seconds.
    virtual double rms_delay_spread() const = 0;
    //! Maximum UE Doppler f_D in Hz.
    virtual double max_ue_doppler() const = 0;
    //! Samples between the input and the output for a zero-delay path (interpolator + propagation).
    virtual double latency() const = 0;
    virtual int update_interval() const = 0;
    //! Control messages applied, rejected as malformed, and applied late (offset already passed).
    virtual uint64_t n_ctrl_accepted() const = 0;
    virtual uint64_t n_ctrl_rejected() const = 0;
    virtual uint64_t n_ctrl_late() const = 0;
};

} // namespace semsat
} // namespace gr

#endif /* INCLUDED_SEMSAT_NTN_TDL_CHANNEL_CC_H */

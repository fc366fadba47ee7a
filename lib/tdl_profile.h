/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_TDL_PROFILE_H
#define INCLUDED_SEMSAT_TDL_PROFILE_H

#include <string>
#include <vector>

namespace gr {
namespace semsat {

//! One resolvable path of a tapped-delay-line profile.
struct tdl_path {
    double delay_s;       //!< delay in seconds
    double power;         //!< average power (linear), LOS + diffuse for a Rician path
    double k_factor;      //!< Rician K (linear); 0 for Rayleigh, +inf for a non-fading path
};

/*!
 * \brief Power delay profile of a channel model, built from the TR 38.811 tables or user taps.
 *
 * Rician taps of the TR tables (a LOS entry and a Rayleigh entry at the same delay) are merged into
 * one path with K = P_LOS / P_Rayleigh. Powers are normalized to a sum of one.
 */
class tdl_profile
{
public:
    /*!
     * \param model NTN-TDL-A..D (or A..D), LOS or custom (case-insensitive)
     * \param delay_spread RMS delay spread in seconds used to scale normalized TR delays
     * \throws std::invalid_argument for an unknown model or inconsistent custom taps
     */
    static tdl_profile make(const std::string& model,
                            double delay_spread,
                            const std::vector<double>& custom_delays,
                            const std::vector<double>& custom_powers_db,
                            double custom_k_db);

    const std::vector<tdl_path>& paths() const { return d_paths; }
    const std::string& name() const { return d_name; }
    //! RMS delay spread in seconds (power-weighted standard deviation of the delays).
    double rms_delay_spread() const;

private:
    std::string d_name;
    std::vector<tdl_path> d_paths;
};

} // namespace semsat
} // namespace gr

#endif

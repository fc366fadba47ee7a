/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_DOPPLER_CC_H
#define INCLUDED_SEMSAT_DOPPLER_CC_H

#include <gnuradio/semsat/api.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief Phase-continuous, time-varying frequency shift that follows a Doppler trajectory.
 * \ingroup semsat
 *
 * \details
 * Multiplies the input by e^{j 2 pi sign phi(t)}, where the instantaneous frequency f(t) is
 * interpolated linearly between trajectory points (\p times in seconds from the first input
 * sample, \p freqs in Hz), held constant before the first and after the last point. Between two
 * points the shift is an exact linear chirp. With \p compensate the sign is inverted, so the same
 * ephemeris-derived trajectory that imposes Doppler in a simulation pre-compensates it at a
 * terminal.
 *
 * Control port "ctrl" takes a PMT dict with "doppler" (Hz) and/or "doppler_rate" (Hz/s) and an
 * optional uint64 "offset" (absolute input sample index): from that sample on the frequency follows
 * the message instead of the trajectory. Malformed messages are logged and counted.
 */
class SEMSAT_API doppler_cc : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<doppler_cc> sptr;

    /*!
     * \param samp_rate sample rate in Hz (> 0)
     * \param times trajectory times in seconds, strictly increasing (may be empty)
     * \param freqs trajectory Doppler frequencies in Hz (same length as times)
     * \param initial_freq frequency used when the trajectory is empty (Hz)
     * \param compensate apply the opposite shift (pre-compensation)
     */
    static sptr make(double samp_rate,
                     const std::vector<double>& times = std::vector<double>(),
                     const std::vector<double>& freqs = std::vector<double>(),
                     double initial_freq = 0.0,
                     bool compensate = false);

    //! Frequency of the trajectory or last update now, before the sign of \p compensate (Hz).
    virtual double frequency() const = 0;
    virtual double frequency_rate() const = 0;
    //! Thread-safe: a new constant frequency from the next sample on (ends the trajectory).
    virtual void set_frequency(double freq) = 0;
    virtual uint64_t n_ctrl_accepted() const = 0;
    virtual uint64_t n_ctrl_rejected() const = 0;
    virtual uint64_t n_ctrl_late() const = 0;
};

} // namespace semsat
} // namespace gr

#endif /* INCLUDED_SEMSAT_DOPPLER_CC_H */

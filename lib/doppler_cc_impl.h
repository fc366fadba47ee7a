/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_DOPPLER_CC_IMPL_H
#define INCLUDED_SEMSAT_DOPPLER_CC_IMPL_H

#include "air_clock.h"
#include "chirp_rotator.h"
#include "control_queue.h"
#include <gnuradio/semsat/doppler_cc.h>
#include <atomic>
#include <mutex>

namespace gr {
namespace semsat {

class doppler_cc_impl : public doppler_cc
{
public:
    doppler_cc_impl(double samp_rate,
                    const std::vector<double>& times,
                    const std::vector<double>& freqs,
                    double initial_freq,
                    bool compensate);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    double frequency() const override;
    double frequency_rate() const override;
    void set_frequency(double freq) override;
    uint64_t n_ctrl_accepted() const override { return d_ctrl_accepted; }
    uint64_t n_ctrl_rejected() const override { return d_ctrl_rejected; }
    uint64_t n_ctrl_late() const override { return d_ctrl_late; }

private:
    struct knot {
        uint64_t offset;
        double freq;
        double rate;
    };
    void handle_ctrl(const pmt::pmt_t& msg);
    void apply_updates(uint64_t now);
    //! Applies the trajectory's knots reached at air sample \p air.
    void apply_trajectory(uint64_t air);
    //! The stream sample of the next knot (whose air sample lies ahead of \p now's).
    uint64_t next_trajectory_offset(uint64_t now) const;

    const double d_samp_rate;
    const double d_sign;
    std::vector<knot> d_knots; // the trajectory as sample-exact (frequency, rate) changes
    size_t d_next_knot = 0;
    bool d_following_trajectory;
    chirp_rotator d_rotator;
    air_clock d_air; // the trajectory runs on air time: timed bursts skip the idle time between them

    control_queue d_ctrl_queue;
    std::atomic<uint64_t> d_ctrl_accepted{ 0 };
    std::atomic<uint64_t> d_ctrl_rejected{ 0 };
    std::atomic<uint64_t> d_ctrl_late{ 0 };

    mutable std::mutex d_public_mutex;
    double d_public_freq;
    double d_public_rate;
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_NTN_TDL_CHANNEL_CC_IMPL_H
#define INCLUDED_SEMSAT_NTN_TDL_CHANNEL_CC_IMPL_H

#include "air_clock.h"
#include "chirp_rotator.h"
#include "control_queue.h"
#include "gaussian_noise.h"
#include "sos_fading.h"
#include "sparse_fir.h"
#include "tdl_profile.h"
#include <gnuradio/semsat/ntn_tdl_channel_cc.h>
#include <volk/volk_alloc.hh>
#include <atomic>
#include <memory>
#include <mutex>

namespace gr {
namespace semsat {

class ntn_tdl_channel_cc_impl : public ntn_tdl_channel_cc
{
public:
    ntn_tdl_channel_cc_impl(double samp_rate,
                            const std::string& model,
                            double delay_spread,
                            double carrier_freq,
                            double ue_speed_kmh,
                            double doppler,
                            double doppler_rate,
                            double gain_db,
                            double snr_db,
                            bool noise_enabled,
                            uint64_t seed,
                            const std::vector<double>& custom_delays,
                            const std::vector<double>& custom_powers_db,
                            double custom_k_db,
                            double propagation_delay,
                            int n_sinusoids,
                            int interp_taps,
                            int update_interval,
                            int state_tag_interval);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    double doppler() const override;
    double doppler_rate() const override;
    double gain_db() const override;
    double snr_db() const override;
    void set_doppler(double doppler) override;
    void set_doppler_rate(double doppler_rate) override;
    void set_gain_db(double gain_db) override;
    void set_snr_db(double snr_db) override;

    std::vector<double> path_delays() const override;
    std::vector<double> path_powers() const override;
    std::vector<double> path_k_factors_db() const override;
    double rms_delay_spread() const override { return d_profile.rms_delay_spread(); }
    double max_ue_doppler() const override { return d_max_ue_doppler; }
    double latency() const override { return d_latency; }
    int update_interval() const override { return d_update_interval; }
    uint64_t n_ctrl_accepted() const override { return d_ctrl_accepted; }
    uint64_t n_ctrl_rejected() const override { return d_ctrl_rejected; }
    uint64_t n_ctrl_late() const override { return d_ctrl_late; }

private:
    void handle_ctrl(const pmt::pmt_t& msg);
    void push_immediate(const std::string& key, double value);
    //! Applies the control updates due at \p now; true if there were any.
    bool apply_updates(uint64_t now);
    void update_path_gains(uint64_t now);
    void add_noise(gr_complex* out, int n);
    void tag_state(uint64_t offset);
    void move_input_tags(int noutput_items);
    void publish_state();

    const double d_samp_rate;
    const tdl_profile d_profile;
    const double d_max_ue_doppler;
    const bool d_noise_enabled;
    const int d_update_interval;
    const uint64_t d_state_tag_interval;
    double d_latency = 0.0;
    uint64_t d_tag_latency = 0;

    air_clock d_air; // fading and Doppler run on air time: timed bursts skip the idle time between them
    std::vector<sos_fading> d_fading;
    std::unique_ptr<sparse_fir> d_fir;
    std::vector<gr_complex> d_path_gains; // current h_p sqrt(P_p) g, for the FIR and the tags
    chirp_rotator d_rotator;
    gaussian_noise d_noise;
    volk::vector<float> d_noise_buffer;

    double d_gain_db;
    double d_snr_db;
    double d_noise_sigma = 0.0;
    uint64_t d_fading_period = UINT64_MAX;
    bool d_gains_dirty = true;
    uint64_t d_next_tag = 0;

    control_queue d_ctrl_queue;
    std::atomic<uint64_t> d_ctrl_accepted{ 0 };
    std::atomic<uint64_t> d_ctrl_rejected{ 0 };
    std::atomic<uint64_t> d_ctrl_late{ 0 };

    // Copies of the run-time state for getters called from other threads.
    mutable std::mutex d_public_mutex;
    double d_public_doppler;
    double d_public_doppler_rate;
    double d_public_gain_db;
    double d_public_snr_db;
};

} // namespace semsat
} // namespace gr

#endif

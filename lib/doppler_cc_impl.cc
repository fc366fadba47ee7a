/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "doppler_cc_impl.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
const std::set<std::string> ctrl_keys = { "doppler", "doppler_rate" };
const pmt::pmt_t ctrl_port = pmt::mp("ctrl");
} // namespace

doppler_cc::sptr doppler_cc::make(double samp_rate,
                                  const std::vector<double>& times,
                                  const std::vector<double>& freqs,
                                  double initial_freq,
                                  bool compensate)
{
    return gnuradio::make_block_sptr<doppler_cc_impl>(samp_rate, times, freqs, initial_freq, compensate);
}

doppler_cc_impl::doppler_cc_impl(double samp_rate,
                                 const std::vector<double>& times,
                                 const std::vector<double>& freqs,
                                 double initial_freq,
                                 bool compensate)
    : gr::sync_block("doppler_cc",
                     gr::io_signature::make(1, 1, sizeof(gr_complex)),
                     gr::io_signature::make(1, 1, sizeof(gr_complex))),
      d_samp_rate(samp_rate),
      d_sign(compensate ? -1.0 : 1.0),
      d_following_trajectory(!times.empty()),
      d_rotator(samp_rate),
      d_air(samp_rate)
{
    if (!std::isfinite(samp_rate) || samp_rate <= 0.0) {
        throw std::invalid_argument("doppler_cc: samp_rate must be > 0 Hz");
    }
    if (times.size() != freqs.size()) {
        throw std::invalid_argument("doppler_cc: times and freqs must have the same length (got " +
                                    std::to_string(times.size()) + " and " +
                                    std::to_string(freqs.size()) + ")");
    }
    for (size_t i = 0; i < times.size(); ++i) {
        if (!std::isfinite(times[i]) || !std::isfinite(freqs[i]) || times[i] < 0.0) {
            throw std::invalid_argument("doppler_cc: trajectory point " + std::to_string(i) +
                                        " needs a finite time >= 0 s and a finite frequency");
        }
        if (i > 0 && times[i] <= times[i - 1]) {
            throw std::invalid_argument("doppler_cc: trajectory times must be strictly increasing (point " +
                                        std::to_string(i) + ")");
        }
    }
    if (!std::isfinite(initial_freq)) {
        throw std::invalid_argument("doppler_cc: initial_freq must be finite");
    }

    // Each segment between two points is a linear chirp starting at the sample nearest its first
    // point; the frequency there is interpolated at that exact sample time so segments join up.
    for (size_t i = 0; i < times.size(); ++i) {
        const uint64_t offset = static_cast<uint64_t>(std::llround(times[i] * samp_rate));
        const double t = offset / samp_rate;
        double rate = 0.0, freq = freqs[i];
        if (i + 1 < times.size()) {
            rate = (freqs[i + 1] - freqs[i]) / (times[i + 1] - times[i]);
            freq = freqs[i] + rate * (t - times[i]);
        }
        if (!d_knots.empty() && d_knots.back().offset == offset) {
            d_knots.back() = { offset, freq, rate }; // points closer than a sample: keep the last
        } else {
            d_knots.push_back({ offset, freq, rate });
        }
    }
    const double start_freq = d_knots.empty() ? initial_freq : d_knots.front().freq;
    d_rotator.set_frequency(d_sign * start_freq);
    d_public_freq = start_freq;
    d_public_rate = 0.0;

    message_port_register_in(ctrl_port);
    set_msg_handler(ctrl_port, [this](const pmt::pmt_t& msg) { handle_ctrl(msg); });
}

void doppler_cc_impl::handle_ctrl(const pmt::pmt_t& msg)
{
    try {
        d_ctrl_queue.push(parse_control_message(msg, ctrl_keys));
        ++d_ctrl_accepted;
    } catch (const std::invalid_argument& e) {
        ++d_ctrl_rejected;
        d_logger->warn("control message rejected ({:d} so far): {:s}", d_ctrl_rejected.load(), e.what());
    }
}

void doppler_cc_impl::set_frequency(double freq)
{
    if (!std::isfinite(freq)) {
        throw std::invalid_argument("doppler_cc: frequency must be finite");
    }
    control_update update;
    update.values["doppler"] = freq;
    update.values["doppler_rate"] = 0.0;
    d_ctrl_queue.push(update);
}

double doppler_cc_impl::frequency() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_freq;
}

double doppler_cc_impl::frequency_rate() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_rate;
}

void doppler_cc_impl::apply_trajectory(uint64_t air)
{
    while (d_following_trajectory && d_next_knot < d_knots.size() &&
           d_knots[d_next_knot].offset <= air) {
        const knot& k = d_knots[d_next_knot++];
        // A knot met late (at the very start, or inside the idle time before a timed burst) still
        // applies its chirp from now.
        const double elapsed = (air - k.offset) / d_samp_rate;
        d_rotator.set_frequency(d_sign * (k.freq + k.rate * elapsed));
        d_rotator.set_rate(d_sign * k.rate);
    }
}

uint64_t doppler_cc_impl::next_trajectory_offset(uint64_t now) const
{
    if (!d_following_trajectory || d_next_knot >= d_knots.size()) {
        return std::numeric_limits<uint64_t>::max();
    }
    return now + (d_knots[d_next_knot].offset - d_air.air_sample(now));
}

void doppler_cc_impl::apply_updates(uint64_t now)
{
    uint64_t late = 0;
    for (const control_update& update : d_ctrl_queue.pop_due(now, late)) {
        d_following_trajectory = false; // a message takes over from the trajectory
        for (const auto& [key, value] : update.values) {
            if (key == "doppler") {
                d_rotator.set_frequency(d_sign * value);
            } else if (key == "doppler_rate") {
                d_rotator.set_rate(d_sign * value);
            }
        }
    }
    if (late > 0) {
        d_ctrl_late += late;
        d_logger->warn("{:d} control update(s) arrived after their offset; applied at sample {:d}", late, now);
    }
}

int doppler_cc_impl::work(int noutput_items,
                          gr_vector_const_void_star& input_items,
                          gr_vector_void_star& output_items)
{
    const gr_complex* in = static_cast<const gr_complex*>(input_items[0]);
    gr_complex* out = static_cast<gr_complex*>(output_items[0]);
    const uint64_t n0 = nitems_written(0);
    std::vector<tag_t> tags;
    get_tags_in_range(tags, 0, n0, n0 + noutput_items, tx_time_key);
    for (const tag_t& tag : tags) {
        d_air.schedule(tag.offset, tag.value);
    }
    int pos = 0;
    while (pos < noutput_items) {
        const uint64_t now = n0 + pos;
        const uint64_t idle = d_air.reach(now);
        if (idle > 0) {
            // The chirp goes on through the idle time; knots passed in it are applied next.
            d_rotator.advance(static_cast<int64_t>(idle));
        }
        apply_trajectory(d_air.air_sample(now));
        apply_updates(now);
        uint64_t end = n0 + noutput_items;
        end = std::min(end, next_trajectory_offset(now));
        end = std::min(end, std::max(d_air.next_start(), now + 1));
        end = std::min(end, std::max(d_ctrl_queue.next_offset(now), now + 1));
        const int n = static_cast<int>(end - now);
        d_rotator.rotate(in + pos, out + pos, n);
        pos += n;
    }
    std::lock_guard<std::mutex> lock(d_public_mutex);
    d_public_freq = d_sign * d_rotator.frequency();
    d_public_rate = d_sign * d_rotator.rate();
    return noutput_items;
}

} // namespace semsat
} // namespace gr

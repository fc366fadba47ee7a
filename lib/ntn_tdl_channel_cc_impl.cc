/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ntn_tdl_channel_cc_impl.h"
#include <gnuradio/io_signature.h>
#include <volk/volk.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
constexpr double speed_of_light = 299792458.0;
constexpr int max_auto_update_interval = 4096;
// Fading is evaluated 200 times per Doppler period: the fastest sinusoid turns 1.8 degrees per hold.
constexpr double updates_per_doppler_period = 200.0;
constexpr double max_history_samples = 1 << 24;
const std::set<std::string> ctrl_keys = { "doppler", "doppler_rate", "gain_db", "snr_db" };
const pmt::pmt_t ctrl_port = pmt::mp("ctrl");
const pmt::pmt_t state_key = pmt::mp("channel_state");

void require(bool ok, const std::string& message)
{
    if (!ok) {
        throw std::invalid_argument("ntn_tdl_channel_cc: " + message);
    }
}

int choose_update_interval(int requested, double samp_rate, double max_doppler)
{
    if (requested > 0) {
        return requested;
    }
    if (max_doppler <= 0.0) {
        return max_auto_update_interval;
    }
    const double interval = samp_rate / (updates_per_doppler_period * max_doppler);
    return static_cast<int>(std::clamp(std::floor(interval), 1.0, double(max_auto_update_interval)));
}

double db_to_amplitude(double db) { return std::pow(10.0, db / 20.0); }
} // namespace

ntn_tdl_channel_cc::sptr ntn_tdl_channel_cc::make(double samp_rate,
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
                                                  int state_tag_interval)
{
    return gnuradio::make_block_sptr<ntn_tdl_channel_cc_impl>(samp_rate,
                                                              model,
                                                              delay_spread,
                                                              carrier_freq,
                                                              ue_speed_kmh,
                                                              doppler,
                                                              doppler_rate,
                                                              gain_db,
                                                              snr_db,
                                                              noise_enabled,
                                                              seed,
                                                              custom_delays,
                                                              custom_powers_db,
                                                              custom_k_db,
                                                              propagation_delay,
                                                              n_sinusoids,
                                                              interp_taps,
                                                              update_interval,
                                                              state_tag_interval);
}

ntn_tdl_channel_cc_impl::ntn_tdl_channel_cc_impl(double samp_rate,
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
                                                 int state_tag_interval)
    : gr::sync_block("ntn_tdl_channel_cc",
                     gr::io_signature::make(1, 1, sizeof(gr_complex)),
                     gr::io_signature::make(1, 1, sizeof(gr_complex))),
      d_samp_rate(samp_rate),
      d_profile(tdl_profile::make(model, delay_spread, custom_delays, custom_powers_db, custom_k_db)),
      d_max_ue_doppler(ue_speed_kmh / 3.6 * carrier_freq / speed_of_light),
      d_noise_enabled(noise_enabled),
      d_update_interval(choose_update_interval(update_interval, samp_rate, d_max_ue_doppler)),
      d_state_tag_interval(static_cast<uint64_t>(std::max(state_tag_interval, 0))),
      d_air(samp_rate),
      d_rotator(samp_rate),
      d_noise(0),
      d_gain_db(gain_db),
      d_snr_db(snr_db)
{
    require(std::isfinite(samp_rate) && samp_rate > 0.0, "samp_rate must be > 0 Hz");
    require(std::isfinite(carrier_freq) && carrier_freq > 0.0, "carrier_freq must be > 0 Hz");
    require(std::isfinite(ue_speed_kmh) && ue_speed_kmh >= 0.0, "ue_speed_kmh must be >= 0");
    require(std::isfinite(doppler) && std::isfinite(doppler_rate), "doppler and doppler_rate must be finite");
    require(std::isfinite(gain_db), "gain_db must be finite");
    require(std::isfinite(snr_db), "snr_db must be finite (disable noise with noise_enabled=False)");
    require(std::isfinite(propagation_delay) && propagation_delay >= 0.0,
            "propagation_delay must be >= 0 s");
    require(n_sinusoids >= 4, "n_sinusoids must be >= 4");
    require(update_interval >= 0, "update_interval must be >= 0 (0 = automatic)");
    require(state_tag_interval >= 0, "state_tag_interval must be >= 0 (0 = no tags)");
    require(interp_taps == 1 || (interp_taps >= 2 && interp_taps % 2 == 0),
            "interp_taps must be 1 or an even number >= 2");

    random_source seeds(seed);
    std::vector<delay_kernel> kernels;
    const double interp_latency = interp_taps > 1 ? interp_taps / 2 : 0;
    d_latency = interp_latency + propagation_delay * samp_rate;
    for (const tdl_path& path : d_profile.paths()) {
        const double delay_samples = d_latency + path.delay_s * samp_rate;
        require(delay_samples < max_history_samples,
                "path delay of " + std::to_string(delay_samples) +
                    " samples is too long; lower samp_rate or propagation_delay");
        kernels.push_back(fractional_delay_kernel(delay_samples, interp_taps));
        d_fading.emplace_back(d_max_ue_doppler, path.k_factor, n_sinusoids, seeds.derive_seed());
    }
    d_noise = gaussian_noise(seeds.derive_seed());
    d_fir = std::make_unique<sparse_fir>(kernels);
    d_path_gains.resize(kernels.size());
    d_tag_latency = static_cast<uint64_t>(std::llround(d_latency));
    set_history(d_fir->max_lag() + 1);
    // Tags are moved by the channel's latency in work(), so the scheduler must not copy them.
    set_tag_propagation_policy(TPP_DONT);

    d_rotator.set_frequency(doppler);
    d_rotator.set_rate(doppler_rate);
    d_noise_sigma = std::sqrt(std::pow(10.0, (gain_db - snr_db) / 10.0) / 2.0);
    d_public_doppler = doppler;
    d_public_doppler_rate = doppler_rate;
    d_public_gain_db = gain_db;
    d_public_snr_db = snr_db;

    message_port_register_in(ctrl_port);
    set_msg_handler(ctrl_port, [this](const pmt::pmt_t& msg) { handle_ctrl(msg); });
}

void ntn_tdl_channel_cc_impl::handle_ctrl(const pmt::pmt_t& msg)
{
    try {
        d_ctrl_queue.push(parse_control_message(msg, ctrl_keys));
        ++d_ctrl_accepted;
    } catch (const std::invalid_argument& e) {
        ++d_ctrl_rejected;
        d_logger->warn("control message rejected ({:d} so far): {:s}", d_ctrl_rejected.load(), e.what());
    }
}

void ntn_tdl_channel_cc_impl::push_immediate(const std::string& key, double value)
{
    if (!std::isfinite(value)) {
        throw std::invalid_argument("ntn_tdl_channel_cc: " + key + " must be finite");
    }
    control_update update;
    update.values[key] = value;
    d_ctrl_queue.push(update);
}

void ntn_tdl_channel_cc_impl::set_doppler(double doppler) { push_immediate("doppler", doppler); }
void ntn_tdl_channel_cc_impl::set_doppler_rate(double rate) { push_immediate("doppler_rate", rate); }
void ntn_tdl_channel_cc_impl::set_gain_db(double gain_db) { push_immediate("gain_db", gain_db); }
void ntn_tdl_channel_cc_impl::set_snr_db(double snr_db) { push_immediate("snr_db", snr_db); }

double ntn_tdl_channel_cc_impl::doppler() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_doppler;
}
double ntn_tdl_channel_cc_impl::doppler_rate() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_doppler_rate;
}
double ntn_tdl_channel_cc_impl::gain_db() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_gain_db;
}
double ntn_tdl_channel_cc_impl::snr_db() const
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    return d_public_snr_db;
}

std::vector<double> ntn_tdl_channel_cc_impl::path_delays() const
{
    std::vector<double> delays;
    for (const auto& p : d_profile.paths()) {
        delays.push_back(p.delay_s);
    }
    return delays;
}

std::vector<double> ntn_tdl_channel_cc_impl::path_powers() const
{
    std::vector<double> powers;
    for (const auto& p : d_profile.paths()) {
        powers.push_back(p.power);
    }
    return powers;
}

std::vector<double> ntn_tdl_channel_cc_impl::path_k_factors_db() const
{
    std::vector<double> k;
    for (const auto& p : d_profile.paths()) {
        k.push_back(10.0 * std::log10(p.k_factor));
    }
    return k;
}

bool ntn_tdl_channel_cc_impl::apply_updates(uint64_t now)
{
    uint64_t late = 0;
    const std::vector<control_update> due = d_ctrl_queue.pop_due(now, late);
    for (const control_update& update : due) {
        for (const auto& [key, value] : update.values) {
            if (key == "doppler") {
                d_rotator.set_frequency(value);
            } else if (key == "doppler_rate") {
                d_rotator.set_rate(value);
            } else if (key == "gain_db") {
                d_gain_db = value;
                d_gains_dirty = true;
            } else if (key == "snr_db") {
                d_snr_db = value;
            }
        }
    }
    if (late > 0) {
        d_ctrl_late += late;
        d_logger->warn("{:d} control update(s) arrived after their offset; applied at sample {:d}", late, now);
    }
    d_noise_sigma = std::sqrt(std::pow(10.0, (d_gain_db - d_snr_db) / 10.0) / 2.0);
    return !due.empty();
}

void ntn_tdl_channel_cc_impl::update_path_gains(uint64_t now)
{
    const uint64_t period = d_air.air_sample(now) / d_update_interval;
    if (period == d_fading_period && !d_gains_dirty) {
        return;
    }
    d_fading_period = period;
    d_gains_dirty = false;
    // Sample the fading at the middle of the hold period so the held value is centred in time.
    const double t = (static_cast<double>(period) + 0.5) * d_update_interval / d_samp_rate;
    const double amplitude = db_to_amplitude(d_gain_db);
    const auto& paths = d_profile.paths();
    for (size_t p = 0; p < paths.size(); ++p) {
        const std::complex<double> h = d_fading[p].gain_at(t) * std::sqrt(paths[p].power) * amplitude;
        d_path_gains[p] = gr_complex(static_cast<float>(h.real()), static_cast<float>(h.imag()));
    }
    d_fir->set_path_gains(d_path_gains);
}

void ntn_tdl_channel_cc_impl::add_noise(gr_complex* out, int n)
{
    const size_t nfloats = 2 * static_cast<size_t>(n);
    if (d_noise_buffer.size() < nfloats) {
        d_noise_buffer.resize(nfloats);
    }
    d_noise.fill(d_noise_buffer.data(), nfloats);
    volk_32f_s32f_multiply_32f(d_noise_buffer.data(), d_noise_buffer.data(), float(d_noise_sigma), nfloats);
    float* samples = reinterpret_cast<float*>(out);
    volk_32f_x2_add_32f(samples, samples, d_noise_buffer.data(), nfloats);
}

void ntn_tdl_channel_cc_impl::tag_state(uint64_t offset)
{
    const double amplitude = db_to_amplitude(d_gain_db);
    pmt::pmt_t state = pmt::make_dict();
    state = pmt::dict_add(state, pmt::mp("snr_db"), pmt::from_double(d_snr_db));
    state = pmt::dict_add(state, pmt::mp("doppler"), pmt::from_double(d_rotator.frequency()));
    state = pmt::dict_add(state, pmt::mp("doppler_rate"), pmt::from_double(d_rotator.rate()));
    state = pmt::dict_add(state, pmt::mp("gain_db"), pmt::from_double(d_gain_db));
    // Tap gains without the path gain g, so they compare directly with the profile's powers.
    std::vector<gr_complex> taps(d_path_gains.size());
    for (size_t p = 0; p < taps.size(); ++p) {
        taps[p] = d_path_gains[p] / static_cast<float>(amplitude);
    }
    state = pmt::dict_add(state, pmt::mp("taps"), pmt::init_c32vector(taps.size(), taps));
    add_item_tag(0, offset, state_key, state, alias_pmt());
}

void ntn_tdl_channel_cc_impl::move_input_tags(int noutput_items)
{
    const uint64_t first = nitems_read(0);
    std::vector<gr::tag_t> tags;
    get_tags_in_range(tags, 0, first, first + noutput_items);
    for (gr::tag_t tag : tags) {
        tag.offset += d_tag_latency;
        if (pmt::eqv(tag.key, tx_time_key)) {
            // The burst reaches the output after the latency, and that much later on the air.
            d_air.schedule(tag.offset, tag.value, d_tag_latency);
        }
        add_item_tag(0, tag);
    }
}

void ntn_tdl_channel_cc_impl::publish_state()
{
    std::lock_guard<std::mutex> lock(d_public_mutex);
    d_public_doppler = d_rotator.frequency();
    d_public_doppler_rate = d_rotator.rate();
    d_public_gain_db = d_gain_db;
    d_public_snr_db = d_snr_db;
}

int ntn_tdl_channel_cc_impl::work(int noutput_items,
                                  gr_vector_const_void_star& input_items,
                                  gr_vector_void_star& output_items)
{
    // With history H, in[H - 1] is the sample aligned with out[0]; earlier ones feed the delays.
    const gr_complex* in = static_cast<const gr_complex*>(input_items[0]) + history() - 1;
    gr_complex* out = static_cast<gr_complex*>(output_items[0]);
    const uint64_t n0 = nitems_written(0);

    move_input_tags(noutput_items);

    int pos = 0;
    while (pos < noutput_items) {
        const uint64_t now = n0 + pos;
        const uint64_t idle = d_air.reach(now);
        if (idle > 0) {
            d_rotator.advance(static_cast<int64_t>(idle)); // the bulk Doppler's phase and chirp go on
        }
        const bool changed = apply_updates(now);
        update_path_gains(now);
        // Tag at the set interval, and wherever a control update changes the state.
        if (d_state_tag_interval > 0 && (now >= d_next_tag || changed)) {
            tag_state(now);
            d_next_tag = (now / d_state_tag_interval + 1) * d_state_tag_interval;
        }

        uint64_t end = n0 + noutput_items;
        const uint64_t air = d_air.air_sample(now);
        end = std::min(end, now + (air / d_update_interval + 1) * d_update_interval - air);
        end = std::min(end, std::max(d_air.next_start(), now + 1));
        end = std::min(end, std::max(d_ctrl_queue.next_offset(now), now + 1));
        if (d_state_tag_interval > 0) {
            end = std::min(end, d_next_tag);
        }
        const int n = static_cast<int>(end - now);

        d_fir->filter(in + pos, out + pos, n);
        d_rotator.rotate(out + pos, out + pos, n);
        if (d_noise_enabled) {
            add_noise(out + pos, n);
        }
        pos += n;
    }
    publish_state();
    return noutput_items;
}

} // namespace semsat
} // namespace gr

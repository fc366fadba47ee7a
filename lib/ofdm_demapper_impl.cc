/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ofdm_demapper_impl.h"
#include <gnuradio/io_signature.h>
#include <volk/volk.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
constexpr double two_pi = 6.283185307179586;
// Differential CES correlation needed to accept a detection: noise gives about 0.1, a frame at
// 0 dB per-carrier SNR about 0.5.
constexpr float min_ces_correlation = 0.3f;
// A payload symbol whose pilot quality falls below this fraction of the one expected from the
// CES SNR does not belong to the frame (the burst stopped); two in a row, or the last symbol,
// drop the frame.
constexpr float min_quality_ratio = 0.35f;
// Times the plateau window may move after a trigger (each by up to fft_len/2 + 2 cp samples).
constexpr int max_plateau_moves = 3;
// A synchronisation whose CES says the SNR is below this (-4 dB) cannot carry a header: it is a
// false start (or a hopeless fade) and is not counted as a detection.
constexpr float min_snr = 0.4f;
const pmt::pmt_t stats_port = pmt::mp("stats");
const pmt::pmt_t key_rx_len = pmt::mp("rx_len");
const pmt::pmt_t key_type = pmt::mp("frame_type");
const pmt::pmt_t key_stream = pmt::mp("stream_id");
const pmt::pmt_t key_seq = pmt::mp("seq");
const pmt::pmt_t key_snr = pmt::mp("snr_db");
const pmt::pmt_t key_cfo = pmt::mp("cfo");
} // namespace

ofdm_demapper::sptr ofdm_demapper::make(int fft_len,
                                        int cp_len,
                                        int occupied,
                                        int pilot_spacing,
                                        int max_int_cfo,
                                        float threshold,
                                        float tracking_alpha,
                                        bool unbiased)
{
    return gnuradio::make_block_sptr<ofdm_demapper_impl>(fft_len,
                                                         cp_len,
                                                         occupied,
                                                         pilot_spacing,
                                                         max_int_cfo,
                                                         threshold,
                                                         tracking_alpha,
                                                         unbiased);
}

ofdm_demapper_impl::ofdm_demapper_impl(int fft_len,
                                       int cp_len,
                                       int occupied,
                                       int pilot_spacing,
                                       int max_int_cfo,
                                       float threshold,
                                       float tracking_alpha,
                                       bool unbiased)
    : gr::block("ofdm_demapper",
                gr::io_signature::make(1, 1, sizeof(gr_complex)),
                gr::io_signature::make2(2, 2, sizeof(gr_complex), sizeof(float))),
      d_num(fft_len, cp_len, occupied, pilot_spacing),
      d_detector(d_num, threshold),
      // Taps from a few samples before the FFT window (the window sits inside the CP and
      // fractional delays have precursors) to a few past the CP.
      d_eq(d_num,
           -std::max(4, cp_len / 4),
           cp_len + 4,
           tracking_alpha,
           unbiased),
      d_codec(d_num.header_slots),
      d_fft(fft_len),
      d_max_int_cfo(max_int_cfo),
      d_backoff(cp_len / 5),
      d_lookahead(3 * fft_len + 5 * cp_len + 8 + 3 * (fft_len / 2 + 2 * cp_len)),
      d_inv_scale(1.0f / (d_num.scale * fft_len))
{
    if (max_int_cfo < 0 || occupied / 2 + max_int_cfo + 2 >= fft_len / 2) {
        throw std::invalid_argument(
            "ofdm_demapper: max_int_cfo must be >= 0 and leave the shifted band inside the FFT");
    }
    d_ces_wave = ofdm_frame_builder(d_num).ces_waveform();
    d_scratch.resize(fft_len + 4 * cp_len + 8);
    d_z.resize(occupied);
    d_sym_out.resize(d_num.n_data());
    d_sym_var.resize(d_num.n_data());
    d_llr.resize(d_num.header_slots);
    set_tag_propagation_policy(TPP_DONT);
    message_port_register_out(stats_port);
}

void ofdm_demapper_impl::forecast(int, gr_vector_int& ninput_items_required)
{
    const abs_t read = static_cast<abs_t>(nitems_read(0));
    abs_t need_end = 0;
    switch (d_state) {
    case state::search:
        need_end = d_pos + d_lookahead + 1;
        break;
    case state::header:
        need_end = symbol_start(d_num.header_symbols - 1) + d_num.fft_len;
        break;
    case state::payload:
        need_end = symbol_start(d_sym) + d_num.fft_len;
        break;
    case state::emit:
        need_end = read;
        break;
    }
    ninput_items_required[0] = static_cast<int>(std::max<abs_t>(0, need_end - read));
}

void ofdm_demapper_impl::derotate(abs_t start, int n, gr_complex* out) const
{
    // Phase referenced to the CES start in double precision, so a long frame never drifts.
    const int N = d_num.fft_len;
    double cycles = d_cfo * static_cast<double>(start - d_t0) / N;
    cycles -= std::floor(cycles);
    lv_32fc_t phase = std::polar(1.0f, static_cast<float>(-two_pi * cycles));
    const lv_32fc_t inc = std::polar(1.0f, static_cast<float>(-two_pi * d_cfo / N));
    volk_32fc_s32fc_x2_rotator_32fc(out, at(start), inc, &phase, n);
}

void ofdm_demapper_impl::demod(abs_t t)
{
    derotate(t, d_num.fft_len, d_fft.get_inbuf());
    d_fft.execute();
    const gr_complex* y = d_fft.get_outbuf();
    for (int i = 0; i < d_num.occupied; ++i) {
        d_z[i] = y[d_num.bins[i]] * d_inv_scale;
    }
}

void ofdm_demapper_impl::note_nonfinite(abs_t where)
{
    if (where != d_last_bad + 1) {
        ++d_nonfinite; // a new run of bad samples
    }
    d_last_bad = where;
}

void ofdm_demapper_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, pmt::mp("detected"), pmt::from_uint64(d_detected));
    d = pmt::dict_add(d, pmt::mp("decoded"), pmt::from_uint64(d_decoded));
    d = pmt::dict_add(d, pmt::mp("dropped"), pmt::from_uint64(d_dropped));
    d = pmt::dict_add(d, pmt::mp("headers"), pmt::from_uint64(d_headers));
    d = pmt::dict_add(d, pmt::mp("nonfinite"), pmt::from_uint64(d_nonfinite));
    d = pmt::dict_add(d, pmt::mp("rejected"), pmt::from_uint64(d_rejected));
    message_port_pub(stats_port, d);
}

void ofdm_demapper_impl::count_rejection(abs_t i0)
{
    // A preamble's metric stays above the threshold over many samples and a frame that cannot be
    // taken keeps triggering, so rejected triggers within two symbols of the previous one are the
    // same event: the count is about one per rejected frame.
    if (i0 - d_last_reject > 2 * d_num.sym_len) {
        ++d_rejected;
    }
    d_last_reject = i0;
}

void ofdm_demapper_impl::drop_frame(abs_t resume, const char* why)
{
    ++d_dropped;
    d_logger->debug("frame dropped ({:s}); {:d} dropped so far", why, d_dropped.load());
    d_state = state::search;
    d_pos = std::max(resume, d_base);
    publish_stats();
}

bool ofdm_demapper_impl::synchronise(abs_t i0)
{
    const int N = d_num.fft_len, cp = d_num.cp_len, L = d_num.sym_len;
    // A trigger may come early (the rising edge of the metric, or noise just before a preamble):
    // while the best region still touches the end of the window, the window follows it.
    const int span = N + 2 * cp;
    abs_t w0 = i0;
    auto pl = d_detector.find_plateau(at(w0), 0, span);
    for (int k = 0; k < max_plateau_moves && pl.last >= span - cp / 2 - 2; ++k) {
        w0 += pl.last - N / 2;
        pl = d_detector.find_plateau(at(w0), 0, span);
    }
    pl.mid += static_cast<int>(w0 - i0);
    pl.last += static_cast<int>(w0 - i0);
    const abs_t mid = i0 + pl.mid; // about the preamble CP start + cp/2

    // Integer CFO on a CES window backed off by cp/2, so early or late it stays in the symbol.
    d_t0 = mid;
    d_cfo = pl.cfo_frac;
    derotate(mid + N + cp, N, d_fft.get_inbuf());
    d_fft.execute();
    float rho = 0.0f;
    const int shift = d_detector.integer_cfo(d_fft.get_outbuf(), d_max_int_cfo, rho);
    if (!(rho >= min_ces_correlation)) {
        count_rejection(i0); // noise, or a preamble whose CES does not fit (CFO beyond the search)
        d_pos = i0 + pl.last + 1;
        return false;
    }
    d_cfo = pl.cfo_frac + shift;

    // Fine timing: the CES waveform against the CFO-free signal around its nominal start; the
    // earliest lag within cp/2 of the peak with a quarter of its power is the first path.
    const abs_t nominal = mid + N + (3 * cp) / 2;
    const int range = cp + 2;
    derotate(nominal - range, 2 * range + N, d_scratch.data());
    float best = 0.0f;
    int peak = 0;
    std::vector<float>& power = d_corr_power;
    power.resize(2 * range + 1);
    for (int r = 0; r <= 2 * range; ++r) {
        lv_32fc_t c;
        volk_32fc_x2_conjugate_dot_prod_32fc(&c, d_scratch.data() + r, d_ces_wave.data(), N);
        power[r] = std::norm(c);
        if (power[r] > best) {
            best = power[r];
            peak = r;
        }
    }
    int first = peak;
    for (int r = std::max(0, peak - cp / 2); r < peak; ++r) {
        if (power[r] >= 0.25f * best) {
            first = r;
            break;
        }
    }
    const abs_t t0 = nominal - range + first - d_backoff;
    const abs_t p0 = t0 - L; // preamble useful part
    if (p0 <= d_last_bad || p0 < d_base) {
        d_pos = i0 + pl.last + 1;
        return false;
    }
    d_t0 = t0;

    // Noise from the difference of the two preamble halves (the channel, being static over
    // them, cancels), converted to per-carrier variance in unit-power units.
    derotate(p0, N, d_scratch.data());
    const int half = N / 2;
    double diff = 0.0;
    for (int k = 0; k < half; ++k) {
        diff += std::norm(d_scratch[k + half] - d_scratch[k]);
    }
    const double sigma_t2 = diff / N;
    const float sigma_f2 = static_cast<float>(sigma_t2 * d_num.occupied / N);
    if (!std::isfinite(sigma_f2)) {
        d_pos = i0 + pl.last + 1;
        return false;
    }
    demod(t0);
    d_eq.estimate(d_z.data(), sigma_f2);
    if (!(d_eq.snr() >= min_snr)) {
        count_rejection(i0);
        d_pos = i0 + pl.last + 1;
        return false;
    }
    d_logger->trace("sync at {:d}: M {:.3f}, CES correlation {:.3f}, CFO {:.3f}, CES start {:d}, "
                    "SNR {:.2f} dB, {:d} taps",
                    i0,
                    pl.metric,
                    rho,
                    d_cfo,
                    t0,
                    10 * std::log10(d_eq.snr()),
                    d_eq.n_taps());
    return true;
}

bool ofdm_demapper_impl::decode_header()
{
    const int nd = d_num.n_data();
    for (int j = 0; j < d_num.header_symbols; ++j) {
        demod(symbol_start(j));
        d_eq.equalize(d_z.data(), j, d_sym_out.data(), d_sym_var.data());
        for (int i = 0; i < nd; ++i) {
            const float l = 4.0f * d_sym_out[i].real() / d_sym_var[i];
            d_llr[j * nd + i] = std::isfinite(l) ? l : 0.0f;
        }
    }
    return d_codec.decode(d_llr.data(), d_hdr);
}

bool ofdm_demapper_impl::demod_payload(abs_t avail_end)
{
    const int N = d_num.fft_len, cp = d_num.cp_len, nd = d_num.n_data();
    const int nh = d_num.header_symbols;
    const int last = nh + static_cast<int>(d_n_payload_syms) - 1;
    while (d_sym <= last) {
        const abs_t t = symbol_start(d_sym);
        if (t + N > avail_end) {
            return false;
        }
        const int bad = first_nonfinite(at(t - cp), N + cp);
        if (bad >= 0) {
            note_nonfinite(t - cp + bad);
            drop_frame(t - cp + bad + 1, "non-finite input");
            return false;
        }
        demod(t);
        const float q = d_eq.equalize(d_z.data(), d_sym, d_sym_out.data(), d_sym_var.data());
        const bool poor = !(q >= min_quality_ratio * d_eq.expected_quality());
        d_bad_run = poor ? d_bad_run + 1 : 0;
        if (d_bad_run >= 2 || (poor && d_sym == last)) {
            // Search again from the symbol before the first poor one: a new frame may start there.
            const int first_poor = d_sym - d_bad_run + 1;
            drop_frame(std::max(symbol_start(first_poor - 1) - cp, d_t0 + N), "burst ended");
            return false;
        }
        const int64_t m = d_sym - nh;
        const int n = static_cast<int>(std::min<int64_t>(nd, d_hdr.payload_len - m * nd));
        d_frame_sym.insert(d_frame_sym.end(), d_sym_out.begin(), d_sym_out.begin() + n);
        d_frame_var.insert(d_frame_var.end(), d_sym_var.begin(), d_sym_var.begin() + n);
        ++d_sym;
    }
    // Never emit garbage: a non-finite value here means a numerical failure, not data.
    if (first_nonfinite(d_frame_sym.data(), static_cast<int>(d_frame_sym.size())) >= 0) {
        drop_frame(symbol_start(last) + N, "non-finite equaliser output");
        return false;
    }
    return true;
}

int ofdm_demapper_impl::general_work(int noutput_items,
                                     gr_vector_int& ninput_items,
                                     gr_vector_const_void_star& input_items,
                                     gr_vector_void_star& output_items)
{
    d_in = static_cast<const gr_complex*>(input_items[0]);
    d_base = static_cast<abs_t>(nitems_read(0));
    const abs_t avail_end = d_base + ninput_items[0];
    gr_complex* out_sym = static_cast<gr_complex*>(output_items[0]);
    float* out_var = static_cast<float*>(output_items[1]);
    const int N = d_num.fft_len, L = d_num.sym_len;
    int produced = 0;

    while (true) {
        if (d_state == state::emit) {
            const size_t n = std::min<size_t>(d_frame_sym.size() - d_emitted, noutput_items - produced);
            if (n == 0) {
                break;
            }
            if (d_emitted == 0) {
                const uint64_t o = nitems_written(0) + produced;
                const pmt::pmt_t vals[] = { pmt::from_long(d_hdr.payload_len),
                                            pmt::from_long(d_hdr.frame_type),
                                            pmt::from_long(d_hdr.stream_id),
                                            pmt::from_long(d_hdr.seq),
                                            pmt::from_double(10.0 * std::log10(d_eq.snr())),
                                            pmt::from_double(d_cfo) };
                const pmt::pmt_t keys[] = { key_rx_len, key_type, key_stream,
                                            key_seq,    key_snr,  key_cfo };
                for (int port = 0; port < 2; ++port) {
                    for (int k = 0; k < 6; ++k) {
                        add_item_tag(port, o, keys[k], vals[k]);
                    }
                }
            }
            std::memcpy(out_sym + produced, &d_frame_sym[d_emitted], n * sizeof(gr_complex));
            std::memcpy(out_var + produced, &d_frame_var[d_emitted], n * sizeof(float));
            d_emitted += n;
            produced += static_cast<int>(n);
            if (d_emitted < d_frame_sym.size()) {
                break;
            }
            d_state = state::search;
        } else if (d_state == state::search) {
            d_pos = std::max(d_pos, d_base);
            const abs_t scan_end = avail_end - d_lookahead;
            if (d_pos >= scan_end) {
                break;
            }
            // Metric windows must not contain non-finite samples: stop short of the first one.
            const int bad = first_nonfinite(at(d_pos), static_cast<int>(scan_end + N - 1 - d_pos));
            abs_t limit = scan_end;
            if (bad >= 0) {
                limit = std::min(scan_end, d_pos + bad - N + 1);
            }
            const int trig =
                limit > d_pos ? d_detector.find_trigger(at(d_pos), static_cast<int>(limit - d_pos))
                              : -1;
            if (trig < 0) {
                if (bad >= 0) {
                    note_nonfinite(d_pos + bad);
                    d_pos += bad + 1;
                } else {
                    d_pos = limit;
                }
                continue;
            }
            const abs_t i0 = d_pos + trig;
            // Everything synchronise() reads must be finite too.
            const abs_t r0 = std::max({ d_base, i0 - L, d_last_bad + 1 });
            const int bad2 = first_nonfinite(at(r0), static_cast<int>(i0 + d_lookahead - r0));
            if (bad2 >= 0) {
                note_nonfinite(r0 + bad2);
                if (r0 + bad2 >= i0) {
                    ++d_detected; // a frame was starting there: it is lost
                    drop_frame(r0 + bad2 + 1, "non-finite input");
                } else {
                    d_pos = r0 + bad2 + 1;
                }
                continue;
            }
            if (!synchronise(i0)) {
                continue;
            }
            ++d_detected;
            d_state = state::header;
        } else if (d_state == state::header) {
            const abs_t need_end = symbol_start(d_num.header_symbols - 1) + N;
            if (need_end > avail_end) {
                break;
            }
            const abs_t h0 = symbol_start(0) - d_num.cp_len;
            const int bad = first_nonfinite(at(h0), static_cast<int>(need_end - h0));
            if (bad >= 0) {
                note_nonfinite(h0 + bad);
                drop_frame(h0 + bad + 1, "non-finite input");
                continue;
            }
            if (!decode_header()) {
                drop_frame(d_t0 + N, "header CRC");
                continue;
            }
            ++d_headers;
            d_n_payload_syms = d_num.payload_symbols(d_hdr.payload_len);
            d_sym = d_num.header_symbols;
            d_bad_run = 0;
            d_frame_sym.clear();
            d_frame_var.clear();
            d_state = state::payload;
        } else { // payload
            if (!demod_payload(avail_end)) {
                if (d_state == state::payload) {
                    break; // needs more input
                }
                continue; // dropped: searching again
            }
            ++d_decoded;
            publish_stats();
            d_pos = symbol_start(d_sym - 1) + N;
            d_emitted = 0;
            d_state = state::emit;
        }
    }

    // Keep what a later step may still read: the search's preamble history, or two symbols
    // before the current one (where a search restarts after a burst ends).
    abs_t keep = d_base;
    switch (d_state) {
    case state::search:
    case state::emit:
        keep = d_pos - 2 * L;
        break;
    case state::header:
        keep = d_t0 - 2 * L;
        break;
    case state::payload:
        keep = symbol_start(d_sym) - 3 * L;
        break;
    }
    keep = std::clamp(keep, d_base, avail_end);
    consume(0, static_cast<int>(keep - d_base));
    return produced;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_DEMAPPER_IMPL_H
#define INCLUDED_SEMSAT_OFDM_DEMAPPER_IMPL_H

#include "header_codec.h"
#include "ofdm_equalizer.h"
#include "ofdm_frame_builder.h"
#include "ofdm_numerology.h"
#include "schmidl_cox_detector.h"
#include <gnuradio/fft/fft.h>
#include <gnuradio/semsat/ofdm_demapper.h>
#include <atomic>
#include <limits>

namespace gr {
namespace semsat {

class ofdm_demapper_impl : public ofdm_demapper
{
public:
    ofdm_demapper_impl(int fft_len,
                       int cp_len,
                       int occupied,
                       int pilot_spacing,
                       int max_int_cfo,
                       float threshold,
                       float tracking_alpha,
                       bool unbiased);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    uint64_t n_detected() const override { return d_detected; }
    uint64_t n_decoded() const override { return d_decoded; }
    uint64_t n_dropped() const override { return d_dropped; }
    uint64_t n_headers() const override { return d_headers; }
    uint64_t n_nonfinite() const override { return d_nonfinite; }
    uint64_t n_rejected() const override { return d_rejected; }

private:
    enum class state { search, header, payload, emit };
    using abs_t = int64_t; // absolute input sample index

    const gr_complex* at(abs_t i) const { return d_in + (i - d_base); }
    //! FFT of the CFO-corrected window [t, t + fft_len) into d_z (occupied carriers, unit power).
    void demod(abs_t t);
    void derotate(abs_t start, int n, gr_complex* out) const;
    //! Synchronises on a trigger at i0; on failure returns false and sets d_pos to resume.
    bool synchronise(abs_t i0);
    bool decode_header();
    //! Demodulates payload symbols while input lasts; false when the frame was dropped.
    bool demod_payload(abs_t avail_end);
    void drop_frame(abs_t resume, const char* why);
    void note_nonfinite(abs_t where);
    void publish_stats();
    void count_rejection(abs_t i0);
    abs_t symbol_start(int s) const { return d_t0 + static_cast<abs_t>(d_num.sym_len) * (1 + s); }

    ofdm_numerology d_num;
    schmidl_cox_detector d_detector;
    ofdm_equalizer d_eq;
    header_codec d_codec;
    gr::fft::fft_complex_fwd d_fft;
    std::vector<gr_complex> d_ces_wave;
    const int d_max_int_cfo;
    const int d_backoff;   // FFT window placed this many samples into the CP
    const int d_lookahead; // samples past a trigger read by synchronise()
    const float d_inv_scale;

    // Stream position of the current general_work call.
    const gr_complex* d_in = nullptr;
    abs_t d_base = 0;

    state d_state = state::search;
    abs_t d_pos = 0;        // search: next window start
    abs_t d_t0 = 0;         // CES useful part start
    double d_cfo = 0.0;     // subcarriers
    int d_sym = 0;          // next header/payload symbol
    int d_bad_run = 0;
    abs_t d_last_bad = -2;
    abs_t d_last_reject = std::numeric_limits<abs_t>::min() / 2; // last trigger rejected
    ofdm_header d_hdr;
    int64_t d_n_payload_syms = 0;

    std::vector<gr_complex> d_scratch; // derotated samples
    std::vector<float> d_corr_power;   // fine-timing correlation power per lag
    std::vector<gr_complex> d_z;       // occupied carriers of one symbol
    std::vector<gr_complex> d_sym_out;
    std::vector<float> d_sym_var;
    std::vector<float> d_llr;
    std::vector<gr_complex> d_frame_sym; // payload of the frame being received
    std::vector<float> d_frame_var;
    size_t d_emitted = 0;

    std::atomic<uint64_t> d_detected{ 0 };
    std::atomic<uint64_t> d_decoded{ 0 };
    std::atomic<uint64_t> d_dropped{ 0 };
    std::atomic<uint64_t> d_headers{ 0 };
    std::atomic<uint64_t> d_nonfinite{ 0 };
    std::atomic<uint64_t> d_rejected{ 0 }; // rejection events (see count_rejection)
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_MAPPER_IMPL_H
#define INCLUDED_SEMSAT_OFDM_MAPPER_IMPL_H

#include "ofdm_frame_builder.h"
#include <gnuradio/semsat/ofdm_mapper.h>
#include <atomic>

namespace gr {
namespace semsat {

class ofdm_mapper_impl : public ofdm_mapper
{
public:
    ofdm_mapper_impl(int fft_len,
                     int cp_len,
                     int occupied,
                     int pilot_spacing,
                     int guard,
                     const std::string& len_tag_key);

    void forecast(int noutput_items, gr_vector_int& ninput_items_required) override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    uint64_t n_frames() const override { return d_frames; }
    uint64_t n_dropped() const override { return d_dropped; }
    int64_t frame_length(int64_t n) const override { return d_num.frame_samples(n) + d_guard; }
    int header_symbols() const override { return d_num.header_symbols; }
    int symbol_length() const override { return d_num.sym_len; }
    int guard() const override { return d_guard; }
    std::vector<int> data_carriers() const override;
    std::vector<int> pilot_carriers() const override;

private:
    enum class state { idle, frame, guard, skip };
    // Reads the tags of the packet starting at absolute item abs; returns false if it is dropped.
    bool start_packet(uint64_t abs, int available, int& skip_items);
    void drop(const std::string& why);

    ofdm_numerology d_num;
    ofdm_frame_builder d_builder;
    const int d_guard;
    const pmt::pmt_t d_len_key;
    state d_state = state::idle;
    ofdm_header d_hdr;
    pmt::pmt_t d_tx_time = pmt::PMT_NIL; // the packet's tx_time tag, put on its frame's first sample
    uint16_t d_next_seq = 0;
    int64_t d_sym = 0;        // OFDM symbol of the frame being written
    int64_t d_total_syms = 0;
    int64_t d_read = 0;       // payload symbols consumed
    int64_t d_left = 0;       // guard samples or items to skip
    std::vector<gr_complex> d_header_syms;
    std::vector<tag_t> d_tags;
    std::atomic<uint64_t> d_frames{ 0 };
    std::atomic<uint64_t> d_dropped{ 0 };
    bool d_warned_untagged = false;
};

} // namespace semsat
} // namespace gr

#endif

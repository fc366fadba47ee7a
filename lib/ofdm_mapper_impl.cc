/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "ofdm_mapper_impl.h"
#include "air_clock.h"
#include <gnuradio/io_signature.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
const pmt::pmt_t key_type = pmt::mp("frame_type");
const pmt::pmt_t key_stream = pmt::mp("stream_id");
const pmt::pmt_t key_seq = pmt::mp("seq");
} // namespace

ofdm_mapper::sptr ofdm_mapper::make(int fft_len,
                                    int cp_len,
                                    int occupied,
                                    int pilot_spacing,
                                    int guard,
                                    const std::string& len_tag_key)
{
    return gnuradio::make_block_sptr<ofdm_mapper_impl>(
        fft_len, cp_len, occupied, pilot_spacing, guard, len_tag_key);
}

ofdm_mapper_impl::ofdm_mapper_impl(int fft_len,
                                   int cp_len,
                                   int occupied,
                                   int pilot_spacing,
                                   int guard,
                                   const std::string& len_tag_key)
    : gr::block("ofdm_mapper",
                gr::io_signature::make(1, 1, sizeof(gr_complex)),
                gr::io_signature::make(1, 1, sizeof(gr_complex))),
      d_num(fft_len, cp_len, occupied, pilot_spacing),
      d_builder(d_num),
      d_guard(guard < 0 ? d_num.sym_len : guard),
      d_len_key(pmt::mp(len_tag_key))
{
    if (len_tag_key.empty()) {
        throw std::invalid_argument("ofdm_mapper: len_tag_key must not be empty");
    }
    d_header_syms.resize(static_cast<size_t>(d_num.header_symbols) * d_num.sym_len);
    set_tag_propagation_policy(TPP_DONT);
}

std::vector<int> ofdm_mapper_impl::data_carriers() const
{
    std::vector<int> c;
    for (int i : d_num.data_idx) {
        c.push_back(d_num.carriers[i]);
    }
    return c;
}

std::vector<int> ofdm_mapper_impl::pilot_carriers() const
{
    std::vector<int> c;
    for (int i : d_num.pilot_idx) {
        c.push_back(d_num.carriers[i]);
    }
    return c;
}

void ofdm_mapper_impl::forecast(int, gr_vector_int& ninput_items_required)
{
    int need = 0;
    if (d_state == state::idle || d_state == state::skip) {
        need = 1;
    } else if (d_state == state::frame && d_sym >= 2 + d_num.header_symbols) {
        need = static_cast<int>(std::min<int64_t>(d_num.n_data(), d_hdr.payload_len - d_read));
    }
    ninput_items_required[0] = need;
}

void ofdm_mapper_impl::drop(const std::string& why)
{
    ++d_dropped;
    d_logger->warn("packet dropped ({:d} so far): {:s}", d_dropped.load(), why);
}

bool ofdm_mapper_impl::start_packet(uint64_t abs, int available, int& skip_items)
{
    skip_items = 0;
    get_tags_in_range(d_tags, 0, abs, abs + 1);
    int64_t len = -1;
    bool has_len = false;
    for (const tag_t& t : d_tags) {
        if (!pmt::eqv(t.key, d_len_key)) {
            continue;
        }
        has_len = true;
        const int64_t v = pmt::is_integer(t.value) ? pmt::to_long(t.value) : -1;
        if (v <= 0) {
            // A zero-length packet shares its offset with the next packet's tag.
            drop("zero-length (or malformed) packet length tag");
        } else {
            len = v;
        }
    }
    if (len <= 0) {
        // Items without a (positive) length tag: skip up to the next length tag, or everything
        // available; the zero-length packets, if any, were counted above.
        std::vector<tag_t> ahead;
        get_tags_in_range(ahead, 0, abs + 1, abs + available, d_len_key);
        skip_items = ahead.empty() ? available : static_cast<int>(ahead.front().offset - abs);
        if (!has_len && !d_warned_untagged) {
            d_warned_untagged = true;
            d_logger->warn("input items without a '{:s}' tag are skipped",
                           pmt::symbol_to_string(d_len_key));
        }
        return false;
    }
    ofdm_header h;
    h.payload_len = static_cast<uint32_t>(std::min<int64_t>(len, header_codec::max_payload_len));
    h.seq = d_next_seq;
    bool ok = true;
    std::string why;
    for (const tag_t& t : d_tags) {
        const bool is_int = pmt::is_integer(t.value);
        const long v = is_int ? pmt::to_long(t.value) : -1;
        if (pmt::eqv(t.key, key_type)) {
            ok = ok && is_int && v >= 0 && v <= header_codec::max_frame_type;
            h.frame_type = static_cast<uint8_t>(v);
            if (!ok && why.empty()) why = "frame_type must be an int in 0..3";
        } else if (pmt::eqv(t.key, key_stream)) {
            ok = ok && is_int && v >= 0 && v <= 255;
            h.stream_id = static_cast<uint8_t>(v);
            if (!ok && why.empty()) why = "stream_id must be an int in 0..255";
        } else if (pmt::eqv(t.key, key_seq)) {
            ok = ok && is_int && v >= 0 && v <= 65535;
            h.seq = static_cast<uint16_t>(v);
            if (!ok && why.empty()) why = "seq must be an int in 0..65535";
        }
    }
    if (len > static_cast<int64_t>(header_codec::max_payload_len)) {
        ok = false;
        why = "packet longer than 2^20-1 symbols";
    }
    if (!ok) {
        drop(why);
        d_left = len; // its items are skipped
        d_state = state::skip;
        return false;
    }
    d_hdr = h;
    d_tx_time = pmt::PMT_NIL;
    for (const tag_t& t : d_tags) {
        if (pmt::eqv(t.key, tx_time_key)) {
            d_tx_time = t.value; // the frame leaves when its packet should (checked by the channel or radio)
        }
    }
    d_next_seq = static_cast<uint16_t>(h.seq + 1);
    d_sym = 0;
    d_read = 0;
    d_total_syms = 2 + d_num.header_symbols + d_num.payload_symbols(len);
    d_builder.header(d_hdr, d_header_syms.data());
    d_state = state::frame;
    return true;
}

int ofdm_mapper_impl::general_work(int noutput_items,
                                   gr_vector_int& ninput_items,
                                   gr_vector_const_void_star& input_items,
                                   gr_vector_void_star& output_items)
{
    const gr_complex* in = static_cast<const gr_complex*>(input_items[0]);
    gr_complex* out = static_cast<gr_complex*>(output_items[0]);
    const int nin = ninput_items[0];
    const int L = d_num.sym_len;
    int consumed = 0, produced = 0;

    while (true) {
        if (d_state == state::idle) {
            if (consumed >= nin) {
                break;
            }
            int skip = 0;
            if (!start_packet(nitems_read(0) + consumed, nin - consumed, skip)) {
                consumed += skip;
                continue;
            }
            const uint64_t o = nitems_written(0) + produced;
            add_item_tag(0, o, d_len_key, pmt::from_long(frame_length(d_hdr.payload_len)));
            add_item_tag(0, o, key_type, pmt::from_long(d_hdr.frame_type));
            add_item_tag(0, o, key_stream, pmt::from_long(d_hdr.stream_id));
            add_item_tag(0, o, key_seq, pmt::from_long(d_hdr.seq));
            if (!pmt::is_null(d_tx_time)) {
                add_item_tag(0, o, tx_time_key, d_tx_time);
            }
        } else if (d_state == state::skip) {
            const int n = static_cast<int>(std::min<int64_t>(d_left, nin - consumed));
            consumed += n;
            d_left -= n;
            if (d_left == 0) {
                d_state = state::idle;
            } else {
                break;
            }
        } else if (d_state == state::frame) {
            if (noutput_items - produced < L) {
                break;
            }
            gr_complex* o = out + produced;
            const int nh = d_num.header_symbols;
            if (d_sym == 0) {
                d_builder.preamble(o);
            } else if (d_sym == 1) {
                d_builder.ces(o);
            } else if (d_sym < 2 + nh) {
                std::memcpy(o, &d_header_syms[(d_sym - 2) * L], sizeof(gr_complex) * L);
            } else {
                const int n = static_cast<int>(
                    std::min<int64_t>(d_num.n_data(), d_hdr.payload_len - d_read));
                if (nin - consumed < n) {
                    break;
                }
                d_builder.payload(static_cast<int>(d_sym - 2 - nh), in + consumed, n, o);
                consumed += n;
                d_read += n;
            }
            produced += L;
            if (++d_sym == d_total_syms) {
                ++d_frames;
                d_left = d_guard;
                d_state = state::guard;
            }
        } else { // guard
            const int n = static_cast<int>(std::min<int64_t>(d_left, noutput_items - produced));
            std::fill(out + produced, out + produced + n, gr_complex(0.0f, 0.0f));
            produced += n;
            d_left -= n;
            if (d_left == 0) {
                d_state = state::idle;
            } else {
                break;
            }
        }
    }
    consume_each(consumed);
    return produced;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_MAPPER_H
#define INCLUDED_SEMSAT_OFDM_MAPPER_H

#include <gnuradio/block.h>
#include <gnuradio/semsat/api.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief OFDM transmitter: one frame per tagged packet of complex symbols (docs/phy.md).
 * \ingroup semsat
 *
 * \details
 * Input: a tagged stream of gr_complex payload symbols (unit average power: analog semantic
 * symbols or QAM points), one packet per length tag \p len_tag_key. Optional pmt-int tags on the
 * packet's first item set the header: "frame_type" (0 analog, 1 QPSK, 2 16QAM, 3 64QAM; default
 * 0), "stream_id" (0..255, default 0) and "seq" (0..65535; default: one more than the last packet).
 *
 * Output, per packet: a Schmidl-Cox preamble (even carriers only, so its useful part has two
 * identical halves), a channel-estimation symbol (known BPSK on every occupied carrier), the header
 * (BPSK, CRC-16, rate-1/2 K=7 convolutional code repeated over header_symbols() symbols), then the
 * payload on the data carriers with BPSK comb pilots on every \p pilot_spacing-th occupied carrier
 * (and the last), each symbol with a cyclic prefix, then \p guard zero samples. The average
 * frame power is 1. The first output sample carries \p len_tag_key (frame length with guard) and
 * the header tags.
 *
 * Defaults (NR-like): FFT 256, CP 32 (1/8), 212 occupied carriers (5/6), DC null, a pilot on every
 * 6th occupied carrier; at 30 kHz subcarrier spacing this is 7.68 MHz sampling (6.36 MHz occupied),
 * at 15 kHz 3.84 MHz.
 *
 * Bad packets (length 0 or above 2^20-1, out-of-range header tags, items without a length tag)
 * are dropped with a warning and counted in n_dropped(); the block keeps running.
 */
class SEMSAT_API ofdm_mapper : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_mapper> sptr;

    /*!
     * \param fft_len FFT size (even, >= 16)
     * \param cp_len cyclic prefix in samples (< fft_len)
     * \param occupied occupied carriers without DC (even, <= fft_len - 6)
     * \param pilot_spacing a pilot every this many occupied carriers (>= 2)
     * \param guard zero samples after each frame (-1: one OFDM symbol)
     * \param len_tag_key length tag of the input packets
     */
    static sptr make(int fft_len = 256,
                     int cp_len = 32,
                     int occupied = 212,
                     int pilot_spacing = 6,
                     int guard = -1,
                     const std::string& len_tag_key = "packet_len");

    virtual uint64_t n_frames() const = 0;
    virtual uint64_t n_dropped() const = 0;
    //! Output samples of the frame of a packet of n symbols, guard included.
    virtual int64_t frame_length(int64_t n) const = 0;
    virtual int header_symbols() const = 0;
    virtual int symbol_length() const = 0;
    virtual int guard() const = 0;
    //! Signed carrier numbers of the data and pilot carriers (data in the order they are filled).
    virtual std::vector<int> data_carriers() const = 0;
    virtual std::vector<int> pilot_carriers() const = 0;
};

} // namespace semsat
} // namespace gr

#endif /* INCLUDED_SEMSAT_OFDM_MAPPER_H */

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_NUMEROLOGY_H
#define INCLUDED_SEMSAT_OFDM_NUMEROLOGY_H

#include <cstdint>
#include <vector>

namespace gr {
namespace semsat {

/*!
 * \brief The OFDM frame layout shared by the mapper and the demapper (docs/phy.md).
 *
 * Occupied carriers are the signed carrier numbers -occupied/2..-1, 1..occupied/2 (DC is never
 * used, so a receiver's LO leakage does not hit a carrier). Every pilot_spacing-th occupied carrier,
 * and the last one so that frequency interpolation never extrapolates, is a pilot in every
 * header and payload symbol; the rest carry data. All known sequences are BPSK (+-1) from fixed
 * LFSRs, so both ends derive them from the four numbers alone.
 *
 * Frame: [preamble][CES][header x header_symbols][payload x payload_symbols(n)] then guard zeros;
 * every OFDM symbol has a cyclic prefix of cp_len samples. Frequency-domain values have unit
 * power per occupied carrier and the IFFT output is scaled by 1/sqrt(occupied), so the average
 * time-domain power of a frame is 1.
 */
struct ofdm_numerology {
    ofdm_numerology(int fft_len, int cp_len, int occupied, int pilot_spacing);

    int fft_len;
    int cp_len;
    int occupied;
    int pilot_spacing;
    int sym_len;   //!< fft_len + cp_len
    float scale;   //!< IFFT output gain of the mapper, 1/sqrt(occupied)

    std::vector<int> carriers;       //!< signed carrier numbers, ascending
    std::vector<int> bins;           //!< FFT bin of each occupied carrier (k mod fft_len)
    std::vector<int> pilot_idx;      //!< indices into carriers
    std::vector<int> data_idx;       //!< indices into carriers
    std::vector<float> ces;          //!< +-1 channel-estimation value of each occupied carrier
    std::vector<int> preamble_idx;   //!< indices into carriers of the even carriers (two halves)
    std::vector<float> preamble;     //!< their values, +-sqrt(2) so the symbol has unit power
    std::vector<uint8_t> pilot_prbs; //!< period-127 BPSK sequence for the pilots (0 -> +1)

    int header_symbols;  //!< OFDM symbols of the coded header
    int header_slots;    //!< header_symbols * n_data()

    int n_data() const { return static_cast<int>(data_idx.size()); }
    int n_pilots() const { return static_cast<int>(pilot_idx.size()); }
    //! Value (+-1) of pilot p in header/payload symbol s (s counts from the first header symbol).
    float pilot_value(int s, int p) const
    {
        return pilot_prbs[(static_cast<unsigned>(s) * n_pilots() + p) % pilot_prbs.size()] ? -1.0f
                                                                                             : 1.0f;
    }
    //! OFDM symbols needed for n payload symbols.
    int64_t payload_symbols(int64_t n) const { return (n + n_data() - 1) / n_data(); }
    //! Samples of a frame with n payload symbols, without the guard.
    int64_t frame_samples(int64_t n) const
    {
        return (2 + header_symbols + payload_symbols(n)) * static_cast<int64_t>(sym_len);
    }
};

//! Bits (0/1) of a maximal-length LFSR with the given feedback taps (bit positions, 1-based).
std::vector<uint8_t> lfsr_sequence(int degree, int tap_a, int tap_b, uint32_t seed, int n);

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_HEADER_CODEC_H
#define INCLUDED_SEMSAT_HEADER_CODEC_H

#include <array>
#include <cstdint>
#include <vector>

namespace gr {
namespace semsat {

//! Fields of the OFDM frame header (docs/phy.md).
struct ofdm_header {
    uint8_t frame_type = 0;   //!< 0 analog, 1 QPSK, 2 16QAM, 3 64QAM (4 bits on air)
    uint32_t payload_len = 0; //!< payload length in complex symbols, 1..max_payload_len (20 bits)
    uint8_t stream_id = 0;    //!< 8 bits
    uint16_t seq = 0;         //!< 16 bits
    bool operator==(const ofdm_header& o) const
    {
        return frame_type == o.frame_type && payload_len == o.payload_len &&
               stream_id == o.stream_id && seq == o.seq;
    }
};

/*!
 * \brief Robust BPSK header: 48 field bits + CRC-16/CCITT, rate-1/2 K=7 convolutional code
 * (133, 171 octal, zero-tail), repeated cyclically over all header slots, scrambled and
 * interleaved across carriers.
 *
 * The repetition fills the header OFDM symbols (extra coding gain for free) and the interleaver
 * puts neighbouring coded bits on distant carriers, so a frequency-selective fade hits scattered
 * bits the Viterbi decoder can correct. The decoder sums the LLRs of the repeated copies and
 * accepts a header only if its CRC matches and its fields are in range.
 */
class header_codec
{
public:
    static constexpr int info_bits = 64;                     //!< 48 field bits + 16 CRC bits
    static constexpr int coded_bits = 2 * (info_bits + 6);   //!< with the 6 tail bits
    static constexpr uint32_t max_payload_len = (1u << 20) - 1;
    static constexpr int max_frame_type = 3;

    explicit header_codec(int n_slots);

    //! Slot bits (0/1, n_slots of them); BPSK maps bit b to 1 - 2b.
    std::vector<uint8_t> encode(const ofdm_header& h) const;
    //! LLRs per slot (positive favours bit 0); true and \p h filled if the CRC and fields check.
    bool decode(const float* slot_llr, ofdm_header& h) const;

    static uint16_t crc16(const uint8_t* bytes, int n);
    //! Rate-1/2 encoding of bits (tail appended by the caller).
    static std::vector<uint8_t> conv_encode(const std::vector<uint8_t>& bits);
    //! Soft Viterbi decoding of a zero-tail code: returns n_bits decisions (tail included).
    static std::vector<uint8_t> viterbi(const float* llr, int n_bits);

    int n_slots() const { return d_n_slots; }

private:
    int d_n_slots;
    std::vector<int> d_slot_of;       //!< slot of the m-th transmitted coded bit
    std::vector<uint8_t> d_scrambler; //!< per transmitted coded bit
};

} // namespace semsat
} // namespace gr

#endif

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "header_codec.h"
#include "ofdm_numerology.h"
#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {
constexpr unsigned g0 = 0133, g1 = 0171; // the classic K=7 pair (free distance 10)

inline uint8_t parity(unsigned x) { return static_cast<uint8_t>(__builtin_parity(x)); }

// Big-endian bit packing of the fields into 6 bytes: type(4) len(20) stream(8) seq(16).
std::array<uint8_t, 6> pack(const ofdm_header& h)
{
    const uint64_t v = (static_cast<uint64_t>(h.frame_type & 0xF) << 44) |
                       (static_cast<uint64_t>(h.payload_len & 0xFFFFF) << 24) |
                       (static_cast<uint64_t>(h.stream_id) << 16) | h.seq;
    std::array<uint8_t, 6> b;
    for (int i = 0; i < 6; ++i) {
        b[i] = static_cast<uint8_t>(v >> (8 * (5 - i)));
    }
    return b;
}
} // namespace

header_codec::header_codec(int n_slots) : d_n_slots(n_slots)
{
    if (n_slots < coded_bits) {
        throw std::invalid_argument("header_codec: fewer slots than coded bits");
    }
    // Interleaver m -> (m * a) mod n_slots with a coprime to n_slots near n_slots * 0.618, so
    // consecutive coded bits land far apart in frequency.
    int a = std::max(1, static_cast<int>(n_slots * 0.618));
    while (std::gcd(a, n_slots) != 1) {
        ++a;
    }
    d_slot_of.resize(n_slots);
    for (int m = 0; m < n_slots; ++m) {
        d_slot_of[m] = static_cast<int>((static_cast<int64_t>(m) * a) % n_slots);
    }
    // Scrambling keeps an all-zero header from becoming a single time-domain spike.
    d_scrambler = lfsr_sequence(9, 9, 5, 0x155, n_slots);
}

uint16_t header_codec::crc16(const uint8_t* bytes, int n)
{
    uint16_t crc = 0xFFFF; // CRC-16/CCITT-FALSE
    for (int i = 0; i < n; ++i) {
        crc ^= static_cast<uint16_t>(bytes[i]) << 8;
        for (int b = 0; b < 8; ++b) {
            crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                 : static_cast<uint16_t>(crc << 1);
        }
    }
    return crc;
}

std::vector<uint8_t> header_codec::conv_encode(const std::vector<uint8_t>& bits)
{
    std::vector<uint8_t> out;
    out.reserve(2 * bits.size());
    unsigned state = 0;
    for (uint8_t u : bits) {
        const unsigned reg = ((state << 1) | (u & 1u)) & 0x7F;
        out.push_back(parity(reg & g0));
        out.push_back(parity(reg & g1));
        state = reg & 0x3F;
    }
    return out;
}

std::vector<uint8_t> header_codec::viterbi(const float* llr, int n_bits)
{
    constexpr int n_states = 64;
    constexpr float neg_inf = -std::numeric_limits<float>::infinity();
    std::array<float, n_states> metric, next;
    metric.fill(neg_inf);
    metric[0] = 0.0f; // the encoder starts in state 0
    // decision[t][s]: the dropped (oldest) register bit of the survivor entering state s.
    std::vector<std::array<uint8_t, n_states>> decision(n_bits);
    for (int t = 0; t < n_bits; ++t) {
        const float l0 = llr[2 * t], l1 = llr[2 * t + 1];
        for (int ns = 0; ns < n_states; ++ns) {
            const unsigned u = ns & 1u;
            float best = neg_inf;
            uint8_t best_msb = 0;
            for (unsigned msb = 0; msb < 2; ++msb) {
                const unsigned s = (ns >> 1) | (msb << 5);
                const unsigned reg = ((s << 1) | u) & 0x7F;
                // Correlation metric: a positive LLR favours a coded 0.
                const float bm = (parity(reg & g0) ? -l0 : l0) + (parity(reg & g1) ? -l1 : l1);
                const float m = metric[s] + bm;
                if (m > best) {
                    best = m;
                    best_msb = static_cast<uint8_t>(msb);
                }
            }
            next[ns] = best;
            decision[t][ns] = best_msb;
        }
        metric = next;
    }
    std::vector<uint8_t> bits(n_bits);
    unsigned s = 0; // zero tail: the encoder ends in state 0
    for (int t = n_bits - 1; t >= 0; --t) {
        bits[t] = static_cast<uint8_t>(s & 1u);
        s = (s >> 1) | (static_cast<unsigned>(decision[t][s]) << 5);
    }
    return bits;
}

std::vector<uint8_t> header_codec::encode(const ofdm_header& h) const
{
    const auto bytes = pack(h);
    const uint16_t crc = crc16(bytes.data(), 6);
    std::vector<uint8_t> bits;
    bits.reserve(info_bits + 6);
    for (uint8_t byte : bytes) {
        for (int b = 7; b >= 0; --b) {
            bits.push_back((byte >> b) & 1u);
        }
    }
    for (int b = 15; b >= 0; --b) {
        bits.push_back((crc >> b) & 1u);
    }
    bits.resize(info_bits + 6, 0); // tail
    const auto coded = conv_encode(bits);
    std::vector<uint8_t> slots(d_n_slots);
    for (int m = 0; m < d_n_slots; ++m) {
        slots[d_slot_of[m]] = coded[m % coded_bits] ^ d_scrambler[m];
    }
    return slots;
}

bool header_codec::decode(const float* slot_llr, ofdm_header& h) const
{
    std::array<float, coded_bits> acc{};
    for (int m = 0; m < d_n_slots; ++m) {
        const float l = slot_llr[d_slot_of[m]];
        acc[m % coded_bits] += d_scrambler[m] ? -l : l;
    }
    const auto bits = viterbi(acc.data(), info_bits + 6);
    std::array<uint8_t, 8> bytes{};
    for (int i = 0; i < info_bits; ++i) {
        bytes[i / 8] = static_cast<uint8_t>((bytes[i / 8] << 1) | bits[i]);
    }
    const uint16_t crc = static_cast<uint16_t>((bytes[6] << 8) | bytes[7]);
    if (crc != crc16(bytes.data(), 6)) {
        return false;
    }
    uint64_t v = 0;
    for (int i = 0; i < 6; ++i) {
        v = (v << 8) | bytes[i];
    }
    ofdm_header out;
    out.frame_type = static_cast<uint8_t>((v >> 44) & 0xF);
    out.payload_len = static_cast<uint32_t>((v >> 24) & 0xFFFFF);
    out.stream_id = static_cast<uint8_t>((v >> 16) & 0xFF);
    out.seq = static_cast<uint16_t>(v & 0xFFFF);
    if (out.frame_type > max_frame_type || out.payload_len == 0) {
        return false;
    }
    h = out;
    return true;
}

} // namespace semsat
} // namespace gr

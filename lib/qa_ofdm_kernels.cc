/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Unit tests of the OFDM kernels against known values and independently computed truth.

#include "header_codec.h"
#include "ofdm_equalizer.h"
#include "ofdm_frame_builder.h"
#include "ofdm_numerology.h"
#include "schmidl_cox_detector.h"
#include <gnuradio/fft/fft.h>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

namespace gs = gr::semsat;

namespace {
constexpr double two_pi = 6.283185307179586;

gs::ofdm_numerology default_numerology() { return gs::ofdm_numerology(128, 16, 106, 6); }

std::vector<float> hard_llr(const std::vector<uint8_t>& bits, float mag = 8.0f)
{
    std::vector<float> llr(bits.size());
    for (size_t i = 0; i < bits.size(); ++i) {
        llr[i] = bits[i] ? -mag : mag;
    }
    return llr;
}

// Preamble + CES (+ zeros before and after), shifted by cfo subcarriers.
std::vector<gr_complex> sync_burst(const gs::ofdm_numerology& num, int lead, double cfo)
{
    gs::ofdm_frame_builder b(num);
    std::vector<gr_complex> x(lead + 2 * num.sym_len + 300, gr_complex(0.0f, 0.0f));
    b.preamble(&x[lead]);
    b.ces(&x[lead + num.sym_len]);
    for (size_t n = 0; n < x.size(); ++n) {
        x[n] *= std::polar(1.0f, static_cast<float>(two_pi * cfo * n / num.fft_len));
    }
    return x;
}
} // namespace

BOOST_AUTO_TEST_CASE(crc16_ccitt_check_value)
{
    const uint8_t msg[] = { '1', '2', '3', '4', '5', '6', '7', '8', '9' };
    BOOST_CHECK_EQUAL(gs::header_codec::crc16(msg, 9), 0x29B1); // CRC-16/CCITT-FALSE catalogue value
}

BOOST_AUTO_TEST_CASE(numerology_defaults)
{
    const auto num = default_numerology();
    BOOST_CHECK_EQUAL(num.occupied, 106);
    BOOST_CHECK_EQUAL(num.n_pilots() + num.n_data(), 106);
    BOOST_CHECK_EQUAL(num.n_pilots(), 19);
    // 1.5 copies of the 140 coded header bits need 210 slots: 3 symbols of 87 data carriers.
    BOOST_CHECK_EQUAL(num.header_symbols, 3);
    for (int k : num.carriers) {
        BOOST_CHECK(k != 0);
    }
}

BOOST_AUTO_TEST_CASE(header_round_trip_and_error_correction)
{
    const auto num = default_numerology();
    gs::header_codec codec(num.header_slots);
    std::mt19937 rng(7);
    for (int trial = 0; trial < 200; ++trial) {
        gs::ofdm_header h;
        h.frame_type = rng() % 4;
        h.payload_len = 1 + rng() % gs::header_codec::max_payload_len;
        h.stream_id = rng() % 256;
        h.seq = rng() % 65536;
        auto slots = codec.encode(h);
        BOOST_REQUIRE_EQUAL(slots.size(), static_cast<size_t>(num.header_slots));
        gs::ofdm_header got;
        BOOST_REQUIRE(codec.decode(hard_llr(slots).data(), got));
        BOOST_CHECK(got == h);
        // 6 hard errors out of 174 slots are corrected by the code and the repetition.
        std::vector<int> idx(slots.size());
        for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
        std::shuffle(idx.begin(), idx.end(), rng);
        for (int i = 0; i < 6; ++i) slots[idx[i]] ^= 1;
        gs::ofdm_header got2;
        BOOST_REQUIRE(codec.decode(hard_llr(slots).data(), got2));
        BOOST_CHECK(got2 == h);
    }
}

BOOST_AUTO_TEST_CASE(header_rejects_garbage)
{
    const auto num = default_numerology();
    gs::header_codec codec(num.header_slots);
    std::mt19937 rng(11);
    std::normal_distribution<float> g(0.0f, 4.0f);
    int accepted = 0;
    for (int trial = 0; trial < 500; ++trial) {
        std::vector<float> llr(num.header_slots);
        for (auto& l : llr) l = g(rng);
        gs::ofdm_header h;
        accepted += codec.decode(llr.data(), h);
    }
    BOOST_CHECK_EQUAL(accepted, 0); // CRC-16: about 500 / 65536 expected
}

BOOST_AUTO_TEST_CASE(schmidl_cox_plateau_on_a_clean_frame)
{
    const auto num = default_numerology();
    gs::schmidl_cox_detector det(num, 0.2f);
    const int lead = 500;
    auto x = sync_burst(num, lead, 0.0);
    const int n_pos = static_cast<int>(x.size()) - num.fft_len;
    const auto m = det.metric(x.data(), n_pos);
    // Windows that start inside the preamble CP see two identical halves: M = 1.
    for (int i = lead; i <= lead + num.cp_len; ++i) {
        BOOST_CHECK_GT(m[i], 0.999f);
    }
    BOOST_CHECK_LT(m[lead - num.fft_len / 2 - 1], 0.2f); // only zeros in the first half
    const int trig = det.find_trigger(x.data(), n_pos);
    BOOST_REQUIRE_GE(trig, lead - num.fft_len);
    BOOST_CHECK_LE(trig, lead);
    const auto pl = det.find_plateau(x.data(), trig, num.fft_len + 2 * num.cp_len);
    BOOST_CHECK_LE(std::abs(pl.mid - (lead + num.cp_len / 2)), 2);
    BOOST_CHECK_SMALL(pl.cfo_frac, 2e-3f);
}

BOOST_AUTO_TEST_CASE(schmidl_cox_stays_quiet_on_noise)
{
    const auto num = default_numerology();
    gs::schmidl_cox_detector det(num, 0.2f);
    std::mt19937 rng(3);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<gr_complex> x(200000);
    for (auto& v : x) v = gr_complex(g(rng), g(rng));
    BOOST_CHECK_EQUAL(det.find_trigger(x.data(), static_cast<int>(x.size()) - num.fft_len), -1);
    std::vector<gr_complex> zeros(5000, gr_complex(0.0f, 0.0f));
    BOOST_CHECK_EQUAL(det.find_trigger(zeros.data(), 4000), -1);
}

BOOST_AUTO_TEST_CASE(integer_cfo_estimate)
{
    const auto num = default_numerology();
    gs::schmidl_cox_detector det(num, 0.2f);
    gr::fft::fft_complex_fwd fft(num.fft_len);
    const int lead = 300;
    for (double cfo : { -3.4, -2.3, -1.7, -0.6, 0.0, 0.9, 1.7, 2.3, 3.1 }) {
        auto x = sync_burst(num, lead, cfo);
        const auto pl = det.find_plateau(x.data(), lead - 40, num.fft_len + 2 * num.cp_len);
        const double frac = pl.cfo_frac;
        // CES window a few samples early (timing not refined yet), fractional part removed.
        const int start = lead + num.sym_len + num.cp_len - 5;
        for (int n = 0; n < num.fft_len; ++n) {
            const double cycles = frac * (start + n) / num.fft_len;
            fft.get_inbuf()[n] = x[start + n] * std::polar(1.0f, static_cast<float>(-two_pi * cycles));
        }
        fft.execute();
        float rho = 0.0f;
        const int d = det.integer_cfo(fft.get_outbuf(), 3, rho);
        BOOST_TEST_CONTEXT("cfo " << cfo)
        {
            BOOST_CHECK_SMALL(frac + d - cfo, 0.01);
            BOOST_CHECK_GT(rho, 0.9f);
        }
    }
}

BOOST_AUTO_TEST_CASE(equalizer_flat_channel_single_tap)
{
    const auto num = default_numerology();
    gs::ofdm_equalizer eq(num, -4, 20, 0.05f, true);
    const gr_complex g = std::polar(0.7f, 1.1f);
    std::vector<gr_complex> z(num.occupied);
    // A flat channel with a 3-sample delay: H_k = g e^{-j 2 pi k 3 / N}.
    auto chan = [&](int i) {
        return g * std::polar(1.0f, static_cast<float>(-two_pi * num.carriers[i] * 3 / num.fft_len));
    };
    for (int i = 0; i < num.occupied; ++i) z[i] = chan(i) * num.ces[i];
    eq.estimate(z.data(), 1e-6f);
    BOOST_CHECK_EQUAL(eq.n_taps(), 1);
    for (int i = 0; i < num.occupied; ++i) {
        BOOST_CHECK_SMALL(std::abs(eq.channel()[i] - chan(i)), 1e-4f);
    }
    // A payload symbol with a common phase error of 0.3 rad is equalised exactly.
    std::vector<gr_complex> data(num.n_data()), out(num.n_data());
    std::vector<float> var(num.n_data());
    std::mt19937 rng(5);
    for (auto& d : data) d = gr_complex((rng() & 1) ? 1.0f : -1.0f, (rng() & 1) ? 1.0f : -1.0f);
    const int s = 4;
    const gr_complex cpe = std::polar(1.0f, 0.3f);
    for (int p = 0; p < num.n_pilots(); ++p) {
        const int i = num.pilot_idx[p];
        z[i] = chan(i) * num.pilot_value(s, p) * cpe;
    }
    for (int j = 0; j < num.n_data(); ++j) {
        const int i = num.data_idx[j];
        z[i] = chan(i) * data[j] * cpe;
    }
    const float q = eq.equalize(z.data(), s, out.data(), var.data());
    BOOST_CHECK_GT(q, 0.999f);
    for (int j = 0; j < num.n_data(); ++j) {
        BOOST_CHECK_SMALL(std::abs(out[j] - data[j]), 1e-3f);
        BOOST_CHECK_CLOSE(var[j], 1e-6f / std::norm(g) * (1.0f + 1.0f / num.occupied), 1.0f);
    }
}

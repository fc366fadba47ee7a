/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_AIR_CLOCK_H
#define INCLUDED_SEMSAT_AIR_CLOCK_H

#include <pmt/pmt.h>
#include <cstdint>
#include <deque>
#include <utility>

namespace gr {
namespace semsat {

//! The stream tag that says when a burst leaves: UHD's convention, so the same tags drive a USRP sink.
extern const pmt::pmt_t tx_time_key;

/*!
 * \brief A channel's clock on the air: the stream's samples plus the idle time between timed bursts.
 *
 * A transmitter that sends bursts at set times (a "tx_time" tag on a burst's first sample) leaves the
 * air idle between them, and a channel must let that time pass (its fades and Doppler move on) without
 * the idle samples being in the stream. The clock maps a stream sample to its sample on the air: stream
 * sample + idle samples skipped so far. A tx_time earlier than the air time already reached (the
 * previous burst still on the air, or a time in the past) does not move the clock: the burst follows the
 * previous one at once, as a radio would send a late burst, and is counted late.
 */
class air_clock
{
public:
    explicit air_clock(double samp_rate);

    /*!
     * \brief Seconds in a tx_time value: a real or integer number of seconds, or UHD's tuple
     *        (uint64 full seconds, double fractional seconds). \throws std::invalid_argument.
     */
    static double seconds(const pmt::pmt_t& value);

    /*!
     * \brief Stream sample \p offset is the burst that left at \p value (a tx_time), \p delay samples
     *        ago (a block with latency sees it that much later); starts must come in stream order.
     */
    void schedule(uint64_t offset, const pmt::pmt_t& value, uint64_t delay = 0);
    //! Stream offset of the earliest start not yet reached, or UINT64_MAX.
    uint64_t next_start() const;
    //! Applies the starts due at stream sample \p now; returns the idle samples skipped (0: none).
    uint64_t reach(uint64_t now);
    //! The air sample of stream sample \p now (after reach(now)).
    uint64_t air_sample(uint64_t now) const { return now + d_skipped; }

    uint64_t late() const { return d_late; }
    uint64_t malformed() const { return d_malformed; }

private:
    double d_samp_rate;
    uint64_t d_skipped = 0;
    std::deque<std::pair<uint64_t, uint64_t>> d_starts; // (stream offset, air sample)
    uint64_t d_late = 0;
    uint64_t d_malformed = 0;
};

} // namespace semsat
} // namespace gr

#endif

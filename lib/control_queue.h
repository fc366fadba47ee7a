/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_CONTROL_QUEUE_H
#define INCLUDED_SEMSAT_CONTROL_QUEUE_H

#include <pmt/pmt.h>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace gr {
namespace semsat {

//! A validated run-time parameter change; applies at input sample \p offset (or as soon as possible).
struct control_update {
    bool immediate = true;
    uint64_t offset = 0;
    std::map<std::string, double> values;
};

/*!
 * \brief Parses a control message: a PMT dict, or one (key . value) pair, of real numbers.
 *
 * The optional key "offset" (a non-negative integer) is the absolute input sample index at which
 * the update applies. \throws std::invalid_argument naming the problem and the accepted keys.
 */
control_update parse_control_message(const pmt::pmt_t& msg, const std::set<std::string>& allowed_keys);

/*!
 * \brief Thread-safe queue of updates ordered by sample offset, applied sample-exactly in work().
 *
 * Updates for the same offset apply in arrival order. Messages arrive from the message thread or
 * from setters on the user's thread, hence the lock; work() only holds it briefly.
 */
class control_queue
{
public:
    void push(const control_update& update);
    //! Offset of the earliest pending update, or UINT64_MAX. Immediate updates report \p now.
    uint64_t next_offset(uint64_t now);
    //! Removes and returns the updates due at or before \p now, counting those that came late.
    std::vector<control_update> pop_due(uint64_t now, uint64_t& late_count);

private:
    std::mutex d_mutex;
    std::multimap<uint64_t, control_update> d_scheduled;
    std::vector<control_update> d_immediate;
};

} // namespace semsat
} // namespace gr

#endif

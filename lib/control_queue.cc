/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "control_queue.h"
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {

std::string describe_keys(const std::set<std::string>& keys)
{
    std::ostringstream os;
    for (const auto& k : keys) {
        os << k << ", ";
    }
    os << "offset";
    return os.str();
}

void add_entry(control_update& update,
               const pmt::pmt_t& key,
               const pmt::pmt_t& value,
               const std::set<std::string>& allowed_keys)
{
    if (!pmt::is_symbol(key)) {
        throw std::invalid_argument("control message keys must be symbols; accepted keys: " +
                                    describe_keys(allowed_keys));
    }
    const std::string name = pmt::symbol_to_string(key);
    if (name == "offset") {
        if (!pmt::is_integer(value) && !pmt::is_uint64(value)) {
            throw std::invalid_argument("control message 'offset' must be an integer sample index");
        }
        if (pmt::is_integer(value) && pmt::to_long(value) < 0) {
            throw std::invalid_argument("control message 'offset' must be >= 0");
        }
        update.immediate = false;
        update.offset = pmt::is_uint64(value) ? pmt::to_uint64(value)
                                              : static_cast<uint64_t>(pmt::to_long(value));
        return;
    }
    if (allowed_keys.count(name) == 0) {
        throw std::invalid_argument("unknown control key '" + name +
                                    "'; accepted keys: " + describe_keys(allowed_keys));
    }
    if (!pmt::is_real(value) && !pmt::is_integer(value) && !pmt::is_uint64(value)) {
        throw std::invalid_argument("control value of '" + name + "' must be a real number");
    }
    const double v = pmt::to_double(value);
    if (!std::isfinite(v)) {
        throw std::invalid_argument("control value of '" + name + "' must be finite");
    }
    update.values[name] = v;
}

} // namespace

control_update parse_control_message(const pmt::pmt_t& msg, const std::set<std::string>& allowed_keys)
{
    control_update update;
    if (pmt::is_dict(msg) && !pmt::is_null(msg)) {
        const pmt::pmt_t items = pmt::dict_items(msg);
        for (size_t i = 0; i < pmt::length(items); ++i) {
            const pmt::pmt_t item = pmt::nth(i, items);
            add_entry(update, pmt::car(item), pmt::cdr(item), allowed_keys);
        }
    } else if (pmt::is_pair(msg) && pmt::is_symbol(pmt::car(msg))) {
        add_entry(update, pmt::car(msg), pmt::cdr(msg), allowed_keys);
    } else {
        throw std::invalid_argument("control message must be a PMT dict or a (key . value) pair; got " +
                                    pmt::write_string(msg).substr(0, 80));
    }
    if (update.values.empty()) {
        throw std::invalid_argument("control message changes nothing; accepted keys: " +
                                    describe_keys(allowed_keys));
    }
    return update;
}

void control_queue::push(const control_update& update)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (update.immediate) {
        d_immediate.push_back(update);
    } else {
        d_scheduled.emplace(update.offset, update);
    }
}

uint64_t control_queue::next_offset(uint64_t now)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    if (!d_immediate.empty()) {
        return now;
    }
    return d_scheduled.empty() ? std::numeric_limits<uint64_t>::max() : d_scheduled.begin()->first;
}

std::vector<control_update> control_queue::pop_due(uint64_t now, uint64_t& late_count)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    std::vector<control_update> due;
    auto end = d_scheduled.upper_bound(now);
    for (auto it = d_scheduled.begin(); it != end; ++it) {
        if (it->first < now) {
            ++late_count;
        }
        due.push_back(it->second);
    }
    d_scheduled.erase(d_scheduled.begin(), end);
    due.insert(due.end(), d_immediate.begin(), d_immediate.end());
    d_immediate.clear();
    return due;
}

} // namespace semsat
} // namespace gr

/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "tdl_profile.h"
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gr {
namespace semsat {

namespace {

struct table_row {
    double normalized_delay;
    double power_db;
    bool los; // a LOS (non-fading) entry; the Rayleigh entry at the same delay follows it
};

// TR 38.811 section 6.9.2, Tables 6.9.2-1..4 (defined at 50 degrees elevation). Normalized delays
// are multiplied by the desired RMS delay spread (TR 38.901 section 7.7.3).
const std::vector<table_row> ntn_tdl_a = { { 0.0, 0.0, false },
                                           { 1.0811, -4.675, false },
                                           { 2.8416, -6.482, false } };
const std::vector<table_row> ntn_tdl_b = { { 0.0, 0.0, false },
                                           { 0.7249, -1.973, false },
                                           { 0.7410, -4.332, false },
                                           { 5.7392, -11.914, false } };
const std::vector<table_row> ntn_tdl_c = { { 0.0, -0.394, true },
                                           { 0.0, -10.618, false },
                                           { 14.8124, -23.373, false } };
const std::vector<table_row> ntn_tdl_d = { { 0.0, -0.284, true },
                                           { 0.0, -11.991, false },
                                           { 0.5596, -9.887, false },
                                           { 7.3340, -16.771, false } };

double db_to_linear(double db) { return std::pow(10.0, db / 10.0); }

std::string canonical_name(std::string model)
{
    std::transform(model.begin(), model.end(), model.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    if (model.size() == 1 && model[0] >= 'A' && model[0] <= 'D') {
        return "NTN-TDL-" + model;
    }
    return model;
}

std::vector<tdl_path> paths_from_table(const std::vector<table_row>& table, double delay_spread)
{
    std::vector<tdl_path> paths;
    for (size_t i = 0; i < table.size(); ++i) {
        const table_row& row = table[i];
        if (row.los) {
            const table_row& diffuse = table.at(i + 1);
            const double p_los = db_to_linear(row.power_db);
            const double p_diffuse = db_to_linear(diffuse.power_db);
            paths.push_back({ row.normalized_delay * delay_spread, p_los + p_diffuse, p_los / p_diffuse });
            ++i; // the diffuse entry is merged into this path
        } else {
            paths.push_back({ row.normalized_delay * delay_spread, db_to_linear(row.power_db), 0.0 });
        }
    }
    return paths;
}

std::vector<tdl_path> paths_from_custom(const std::vector<double>& delays,
                                        const std::vector<double>& powers_db,
                                        double k_db)
{
    if (delays.empty() || delays.size() != powers_db.size()) {
        throw std::invalid_argument(
            "custom model: custom_delays and custom_powers_db must be non-empty and of equal length (got " +
            std::to_string(delays.size()) + " and " + std::to_string(powers_db.size()) + ")");
    }
    std::vector<tdl_path> paths;
    for (size_t i = 0; i < delays.size(); ++i) {
        if (!std::isfinite(delays[i]) || delays[i] < 0.0 || !std::isfinite(powers_db[i])) {
            throw std::invalid_argument("custom model: tap " + std::to_string(i) +
                                        " needs a finite delay >= 0 s and a finite power in dB");
        }
        paths.push_back({ delays[i], db_to_linear(powers_db[i]), 0.0 });
    }
    if (!std::isnan(k_db)) {
        paths[0].k_factor = std::isinf(k_db) && k_db > 0 ? std::numeric_limits<double>::infinity()
                                                           : db_to_linear(k_db);
    }
    return paths;
}

} // namespace

tdl_profile tdl_profile::make(const std::string& model,
                              double delay_spread,
                              const std::vector<double>& custom_delays,
                              const std::vector<double>& custom_powers_db,
                              double custom_k_db)
{
    if (!std::isfinite(delay_spread) || delay_spread < 0.0) {
        throw std::invalid_argument("delay_spread must be a finite number of seconds >= 0, got " +
                                    std::to_string(delay_spread));
    }
    tdl_profile profile;
    profile.d_name = canonical_name(model);
    if (profile.d_name == "NTN-TDL-A") {
        profile.d_paths = paths_from_table(ntn_tdl_a, delay_spread);
    } else if (profile.d_name == "NTN-TDL-B") {
        profile.d_paths = paths_from_table(ntn_tdl_b, delay_spread);
    } else if (profile.d_name == "NTN-TDL-C") {
        profile.d_paths = paths_from_table(ntn_tdl_c, delay_spread);
    } else if (profile.d_name == "NTN-TDL-D") {
        profile.d_paths = paths_from_table(ntn_tdl_d, delay_spread);
    } else if (profile.d_name == "LOS") {
        profile.d_paths = { { 0.0, 1.0, std::numeric_limits<double>::infinity() } };
    } else if (profile.d_name == "CUSTOM") {
        profile.d_name = "custom";
        profile.d_paths = paths_from_custom(custom_delays, custom_powers_db, custom_k_db);
    } else {
        throw std::invalid_argument("unknown channel model '" + model +
                                    "': use NTN-TDL-A, NTN-TDL-B, NTN-TDL-C, NTN-TDL-D, LOS or custom");
    }
    double total = 0.0;
    for (const auto& p : profile.d_paths) {
        total += p.power;
    }
    for (auto& p : profile.d_paths) {
        p.power /= total;
    }
    return profile;
}

double tdl_profile::rms_delay_spread() const
{
    double mean = 0.0, mean_sq = 0.0;
    for (const auto& p : d_paths) {
        mean += p.power * p.delay_s;
        mean_sq += p.power * p.delay_s * p.delay_s;
    }
    return std::sqrt(std::max(0.0, mean_sq - mean * mean));
}

} // namespace semsat
} // namespace gr

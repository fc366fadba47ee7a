/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsat authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SEMSAT_OFDM_DEMAPPER_H
#define INCLUDED_SEMSAT_OFDM_DEMAPPER_H

#include <gnuradio/block.h>
#include <gnuradio/semsat/api.h>
#include <cstdint>

namespace gr {
namespace semsat {

/*!
 * \brief OFDM receiver for ofdm_mapper frames on a free-running complex sample stream.
 * \ingroup semsat
 *
 * \details
 * Detection: Schmidl-Cox metric |P|^2/(E1 E2) above \p threshold (in [0,1], level independent;
 * the default 0.1 detects frames down to about -2.5 dB SNR), plateau centre as coarse timing,
 * fractional CFO from the phase of P, integer CFO by a differential correlation of the CES over
 * even shifts up to +-\p max_int_cfo subcarriers (rounded up to even; a detection counts only if
 * that correlation is clear, so noise alone never produces a frame), fine timing by
 * cross-correlating the CES waveform (first path, a few samples into the CP). Noise variance from
 * the two preamble halves, channel from the CES (sparse least-squares taps), pilot tracking of the
 * common phase and slow channel changes, per-carrier MMSE equalisation (\p unbiased: bias removed,
 * which is what QAM slicers expect).
 *
 * Outputs: out0 equalised payload symbols, out1 their noise variance (CSI). The first symbol of
 * each frame carries "rx_len" (payload symbols), "frame_type", "stream_id", "seq" (longs),
 * "snr_db" and "cfo" (subcarriers) tags, on both outputs. A frame is emitted only when complete:
 * header CRC failure, non-finite input samples inside the frame or a burst that stops (pilots no
 * longer match) drop it, counted; the receiver then searches again. Message port "stats" publishes
 * a dict {detected, decoded, dropped, headers, nonfinite, rejected} after every frame attempt.
 * The receiver looks up to 4.5 fft_len + 11 cp + 8 samples (1512 with the defaults) past a
 * trigger, so a stream should not end right after a short frame. Algorithm, formats and measured
 * performance: docs/phy.md.
 */
class SEMSAT_API ofdm_demapper : virtual public gr::block
{
public:
    typedef std::shared_ptr<ofdm_demapper> sptr;

    /*!
     * \param fft_len, cp_len, occupied, pilot_spacing numerology of the mapper
     * \param max_int_cfo largest integer CFO searched, in subcarriers (>= 0)
     * \param threshold Schmidl-Cox metric threshold in (0, 1)
     * \param tracking_alpha weight of each symbol's pilots in the channel tracking [0, 1]
     * \param unbiased remove the MMSE bias (true) or output the biased MMSE estimate
     */
    static sptr make(int fft_len = 256,
                     int cp_len = 32,
                     int occupied = 212,
                     int pilot_spacing = 6,
                     int max_int_cfo = 3,
                     float threshold = 0.1f,
                     float tracking_alpha = 0.05f,
                     bool unbiased = true);

    virtual uint64_t n_detected() const = 0;
    virtual uint64_t n_decoded() const = 0;
    virtual uint64_t n_dropped() const = 0;
    //! Headers that passed the CRC (decoded frames plus frames lost later).
    virtual uint64_t n_headers() const = 0;
    //! Runs of non-finite input samples met.
    virtual uint64_t n_nonfinite() const = 0;
    //! Triggers rejected by the CES checks (integer-CFO correlation or SNR), not counted as
    //! detections: noise (rare: about 1.5e-6 of noise samples trigger at FFT 256), or frames the
    //! receiver cannot take, e.g. a CFO beyond +-max_int_cfo. Rejections within two symbols of the
    //! previous one count once, so this is about one per rejected frame.
    virtual uint64_t n_rejected() const = 0;
};

} // namespace semsat
} // namespace gr

#endif /* INCLUDED_SEMSAT_OFDM_DEMAPPER_H */

"""LDPC-coded QPSK over the whole PHY in GNU Radio flowgraphs: digital_encoder -> ofdm_mapper -> channel ->
ofdm_demapper -> digital_decoder (gnuradio.semsat.ofdm_coded_link), default numerology (FFT 256, CP 32,
212 carriers; 30 kHz subcarrier spacing, so 7.68 MHz sampling).

Es/N0 is per data subcarrier (docs/phy.md); the channel's per-sample snr_db is 0.82 dB lower. A frame
counts as decoded only when its exact bytes come out under its own (stream_id, seq); every missed header,
dropped frame or CRC failure is a frame error.

1. NTN-TDL-A, DS 100 ns, UE 3 km/h at 2 GHz (f_D 5.6 Hz: a fading realisation lasts far longer than a
   few frames), residual CFO of +-1.7 subcarriers, random timing (a random propagation delay of 0-50 us
   per realisation). Each seed is an independent realisation carrying 3 frames of 20-110 bytes, so the
   rate averages over fades; the frame errors come in realisations whose wideband gain is ~6-12 dB down.
   Sent in one frame, a packet meets one fade: the issue's bar, FER <= 1 % at Es/N0 10 dB, is not met that
   way (9/600 here, 19/600 and 11/600 on two other realisation sets, seeds 1001-1200 and 2001-2200), and
   cannot be by any code of this rate: the outage bound
   (frames whose mutual information over their carriers is below their code rate) on the three sets is 1, 6
   and 6 frames of 600 (docs/phy.md, "Coded FER"). Lower rates in one frame do not meet it either: gr-fec's
   (1300, 522) loses 4, 14 and 7 of 600 (1.6 % over 2000 realisations), a 5G NR base graph 2 code at rate
   0.40 1, 8 and 6 (0.73 % over 2000). Regression guards hold the one-frame rate at 10 dB (<= 2 %) and
   12 dB (1/600, <= 1 %). test_fer_bar_at_10_db sends the same packets time-interleaved over 4 frames
   250 ms apart (tx_time on the air clock: 4 independent fades per codeword, phy/packet_bursts.py): 0/600 on
   each of the three sets, where the bar is asserted.
2. A 600 km overhead pass at 2 GHz (AOS/LOS at 10 deg elevation, about 9.5 min, bulk Doppler +-45 kHz =
   +-1.5 subcarriers, up to 580 Hz/s at zenith), Es/N0 12 dB. A real-time run of the whole pass would be
   4.4e9 samples, so the pass is sampled: PASS_INSTANTS instants spread evenly from AOS to LOS, each a
   flowgraph run of a few frames in real time that starts at that instant of the pass, so its frames
   see that instant's Doppler, Doppler rate and slant-range delay (the trajectory's 1 s points, linearly
   interpolated: a chirp), with its own fading realisation.
   - Pre-compensated: doppler_cc (compensate=False) imposes the pass's Doppler on the channel side,
     then NTN-TDL-A with the propagation delay, then the terminal's doppler_cc (compensate=True) removes
     it, driven by the same ephemeris read 0.5 s off (an ephemeris/clock error: residual up to 290 Hz,
     0.01 subcarrier): >= 99 % of the frames decoded.
   - Without pre-compensation, the same chain without the terminal's doppler_cc: whatever the decode
     rate, every delivered PDU has exactly the bytes sent under its header (the CRC-32 holds), and every
     frame the demapper detected is accounted for: detected = decoded + dropped, and every frame it
     emitted reached the decoder. (At 30 kHz spacing +-1.5 subcarriers is within the demapper's integer
     CFO search, so most frames still decode; the rate is printed.)
"""

from functools import cache

import numpy as np
import pytest
from gnuradio import semsat
from gnuradio.semsat import ofdm_coded_link as ocl
from gnuradio.semsat import ofdm_link as ol
from gnuradio.semsat import orbit, trajectory

NUM = ol.DEFAULT
SAMP_RATE = 30e3 * NUM.fft_len
SNR_OFFSET_DB = 10 * np.log10(NUM.fft_len / NUM.occupied)  # per-carrier Es/N0 minus per-sample SNR

TDL_CASES = {  # Es/N0 dB: (realisations, FER bound), default code
    12.0: (200, 0.01),
    10.0: (200, 0.02),  # a regression guard at the measured 9/600; the 1 % is test_fer_bar_at_10_db
}
FER_BAR_ESN0_DB = 10.0
FER_BAR = 0.01
FER_BAR_BURSTS = 4  # each packet time-interleaved over 4 frames 250 ms apart: 4 independent fades
BURST_SPACING_S = 0.25
TDL_FRAMES_PER_SEED = 3

PASS_ESN0_DB = 12.0
PASS_INSTANTS = 80
PASS_FRAMES_PER_INSTANT = 5
EPHEMERIS_ERROR_S = 0.5


def payloads(rng: np.random.Generator, n: int) -> list[bytes]:
    return [rng.bytes(int(size)) for size in rng.integers(20, 111, n)]


def tdl_channel(seed: int, esn0_db: float, doppler_hz: float = 0.0, delay_s: float = 0.0):
    return semsat.ntn_tdl_channel_cc(
        SAMP_RATE,
        "NTN-TDL-A",
        100e-9,
        2e9,
        3.0,
        doppler_hz,
        0.0,
        0.0,
        esn0_db - SNR_OFFSET_DB,
        True,
        seed,
        [],
        [],
        float("nan"),
        delay_s,
    )


def check_accounting(result: ocl.CodedLinkResult) -> None:
    """Nothing wrong is delivered, and every detection ends decoded or counted as dropped."""
    assert result.wrong == 0, "a delivered PDU differs from the packet sent under its header"
    d = result.demapper
    assert d["detected"] == d["decoded"] + d["dropped"]
    # Every frame the demapper emitted went to the digital decoder, which decoded it or counted a drop
    # (with bursts: every burst reached it, and every packet it closed was decoded or counted).
    assert result.decoder.get("bursts", result.decoder["frames"]) == d["decoded"]


@cache
def tdl_runs(esn0_db: float, seeds: int, n_bursts: int = 1, first_seed: int = 1) -> list[ocl.CodedLinkResult]:
    """One run per seed (its own fading realisation, CFO and delay) of TDL_FRAMES_PER_SEED packets, each
    sent in one frame (n_bursts 1) or time-interleaved over n_bursts frames BURST_SPACING_S apart."""
    rng = np.random.default_rng(3811)
    results = []
    for seed in range(first_seed, first_seed + seeds):
        cfo_hz = float(rng.choice([-1.7, 1.7])) * SAMP_RATE / NUM.fft_len
        delay_s = float(rng.uniform(0.0, 50e-6))
        results.append(
            ocl.run_coded_link(
                payloads(rng, TDL_FRAMES_PER_SEED),
                lambda s=seed, c=cfo_hz, d=delay_s: [tdl_channel(s, esn0_db, c, d)],
                stream_id=seed % 200,
                first_seq=seed * TDL_FRAMES_PER_SEED,
                n_bursts=n_bursts,
                burst_spacing_s=BURST_SPACING_S,
            )
        )
    return results


@pytest.mark.parametrize("esn0_db", list(TDL_CASES))
def test_ldpc_qpsk_fer_ntn_tdl_a(esn0_db):
    seeds, bound = TDL_CASES[esn0_db]
    results = tdl_runs(esn0_db, seeds)
    frames = sum(r.frames for r in results)
    errors = sum(r.frames - r.correct for r in results)
    for r in results:
        check_accounting(r)
    print(f"NTN-TDL-A, LDPC (1800, 902) QPSK, Es/N0 {esn0_db} dB: FER {errors}/{frames}")
    assert errors / frames <= bound, f"FER {errors}/{frames} at Es/N0 {esn0_db} dB"


def test_fer_bar_at_10_db():
    """Issue 5's bar, FER <= 1 % at Es/N0 10 dB, with each packet time-interleaved over FER_BAR_BURSTS
    frames 250 ms apart (phy/packet_bursts.py): the same realisations, CFOs, delays and packets as the
    one-frame runs, whose rate (9/600 measured) is printed beside it."""
    seeds = TDL_CASES[FER_BAR_ESN0_DB][0]
    results = tdl_runs(FER_BAR_ESN0_DB, seeds, FER_BAR_BURSTS)
    for r in results:
        check_accounting(r)
    errors = sum(r.frames - r.correct for r in results)
    frames = sum(r.frames for r in results)
    one_frame = tdl_runs(FER_BAR_ESN0_DB, seeds)
    print(
        f"NTN-TDL-A, Es/N0 {FER_BAR_ESN0_DB} dB: FER {errors}/{frames} over {FER_BAR_BURSTS} bursts "
        f"({sum(r.decoder['lost_bursts'] for r in results)} bursts lost), "
        f"{sum(r.frames - r.correct for r in one_frame)}/{frames} in one frame"
    )
    assert errors / frames <= FER_BAR, f"FER {errors}/{frames} at Es/N0 {FER_BAR_ESN0_DB} dB"


@cache
def pass_track() -> trajectory.Trajectory:
    return trajectory.Trajectory.from_pass(orbit.circular_pass(600e3, 2e9, 90.0, 10.0, 1.0))


def pass_instants() -> np.ndarray:
    t = pass_track().time_s
    return np.linspace(t[0], t[-1], PASS_INSTANTS)


def doppler_points(track: trajectory.Trajectory, start_s: float) -> tuple[list[float], list[float]]:
    """The pass's Doppler from `start_s` on (its value there, then the 1 s points of the next 5 s), with
    times from that instant: doppler_cc's time 0, the segment's first sample."""
    after = (track.time_s > start_s) & (track.time_s <= start_s + 5.0)
    times = [0.0, *(track.time_s[after] - start_s)]
    return times, [float(track.doppler_at(start_s)), *track.doppler_hz[after]]


@cache
def pass_runs(compensated: bool, max_int_cfo: int = 3) -> tuple[np.ndarray, list[ocl.CodedLinkResult]]:
    track = pass_track()
    rng = np.random.default_rng(600)
    results = []
    for i, start_s in enumerate(pass_instants()):

        def channel(i: int = i, start_s: float = float(start_s)):
            times, freqs = doppler_points(track, start_s)
            blocks = [
                semsat.doppler_cc(SAMP_RATE, times, freqs, 0.0, False),
                tdl_channel(
                    1000 + i, PASS_ESN0_DB, 0.0, float(np.interp(start_s, track.time_s, track.delay_s))
                ),
            ]
            if compensated:
                times, freqs = doppler_points(track, start_s + EPHEMERIS_ERROR_S)
                blocks.append(semsat.doppler_cc(SAMP_RATE, times, freqs, 0.0, True))
            return blocks

        results.append(
            ocl.run_coded_link(
                payloads(rng, PASS_FRAMES_PER_INSTANT),
                channel,
                stream_id=i,
                first_seq=i * PASS_FRAMES_PER_INSTANT,
                demapper_args={"max_int_cfo": max_int_cfo},
            )
        )
    return track.doppler_at(pass_instants()), results


def test_pass_precompensated_decodes():
    doppler, results = pass_runs(True)
    assert np.max(doppler) > 44e3 and np.min(doppler) < -44e3, "the instants must span the pass's Doppler"
    frames = sum(r.frames for r in results)
    correct = sum(r.correct for r in results)
    for r in results:
        check_accounting(r)
    print(f"600 km pass, pre-compensated, Es/N0 {PASS_ESN0_DB} dB: {correct}/{frames} decoded")
    assert correct / frames >= 0.99, f"{correct}/{frames} frames decoded across the pass"


@pytest.mark.parametrize("max_int_cfo", [3, 0])
def test_pass_uncompensated_reports_failures(max_int_cfo):
    """max_int_cfo 3 is the default receiver; 0 is one that expects a pre-compensated signal and searches
    only the fractional CFO (+-1 subcarrier), so frames beyond about 30 kHz of Doppler must fail."""
    doppler, results = pass_runs(False, max_int_cfo)
    frames = sum(r.frames for r in results)
    correct = sum(r.correct for r in results)
    for r in results:
        check_accounting(r)
    # Every frame the demapper detected was decoded or counted; all it decoded reached the digital decoder.
    detected = sum(r.demapper["detected"] for r in results)
    rejected = sum(r.demapper["rejected"] for r in results)
    demapper_drops = sum(r.demapper["dropped"] for r in results)
    decoder_drops = sum(r.decoder["frames"] - r.decoder["decoded"] for r in results)
    print(
        f"600 km pass, no pre-compensation, max_int_cfo {max_int_cfo}, Es/N0 {PASS_ESN0_DB} dB: "
        f"{correct}/{frames} decoded; demapper detected {detected} (flush frames included), "
        f"dropped {demapper_drops}, rejected {rejected}; decoder dropped {decoder_drops}; "
        f"|Doppler| up to {np.max(np.abs(doppler)) / 1e3:.1f} kHz"
    )
    assert correct == sum(len(r.delivered) for r in results), "only exact payloads are delivered"
    # Each lost frame shows in a count: rejected at synchronisation, dropped by the demapper, or by the
    # decoder (a frame lost in a fade so deep that it never triggers would not; none is, at 12 dB).
    assert frames - correct <= rejected + demapper_drops + decoder_drops
    if max_int_cfo == 0:
        far = np.abs(doppler) > 1.2 * SAMP_RATE / NUM.fft_len
        assert np.count_nonzero(far) >= 10
        lost = [r.frames - r.correct for r, f in zip(results, far, strict=True) if f]
        assert sum(lost) > 0.9 * PASS_FRAMES_PER_INSTANT * np.count_nonzero(far)
        assert rejected + demapper_drops > 0.9 * sum(lost), "the failures must be counted, not silent"

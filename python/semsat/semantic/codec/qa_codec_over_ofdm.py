"""The semantic codec through the real PHY: codec windows, each time-interleaved over bursts (bursts.py) ->
ofdm_mapper (analog frames, one burst each, stream_id and seq = window * bursts + burst in the header) -> AWGN
or this module's NTN-TDL-A channel block -> ofdm_demapper -> the bursts merged back and decoded with the
demapper's per-symbol noise variance (its CSI output).

Held out as in qa_codec.py: grid_lrwp9a's face parameters (3 windows of 1 s), its aligned phones and
durations, its text and the speech files' transcripts and phones, scored against them.
Es/N0 is per data subcarrier (docs/phy.md), numerology ofdm_link.DEFAULT.

Air time, modelled as a real link would send it: window w's burst b leaves at w * WINDOW_S + b * WINDOW_S /
BURSTS (plus one random lead per realisation), so the bursts of a window are 250 ms apart and the fading
process runs on between them (air_time.py: one continuous channel run per clip, idle samples included; the
receiver is handed only the samples around each frame). NTN-TDL-A: DS 100 ns, UE 3 km/h at 2 GHz (f_D 5.6
Hz, coherence time ~75 ms), one realisation per clip, REALISATIONS realisations (FACE_REALISATIONS for the
face: its bar sits within a few tenths of a dB of the estimate, and 8 realisations of 3 windows scatter by
that much: -12.3 to -17.5 dB each at 12 dB). Over AWGN the bursts go
back to back (the spacing changes nothing there). A burst the demapper does not deliver is decoded as not
received (every symbol of it with variance MAX_NOISE_VAR), as the semantic_decoder does; lost bursts are
printed.
"""

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat import ofdm_link as ol
from gnuradio.semsat.air_time import LEAD_SAMPLES, TimedFrame, through_channel
from gnuradio.semsat.qa_ofdm_coded_ntn import SAMP_RATE, tdl_channel
from gnuradio.semsat.semantic.codec import bursts
from gnuradio.semsat.semantic.codec import qa_codec as qc
from gnuradio.semsat.semantic.codec.metrics import duration_within, face_nmse_db, token_accuracy
from gnuradio.semsat.semantic.codec.streams import STREAM_IDS

ANALOG = 0  # the mapper's frame type for analog symbols
REALISATIONS = 8
FACE_REALISATIONS = 24
BURSTS = bursts.DEFAULT_BURSTS
WINDOW_S = 1.0
RANDOM_LEAD = 700  # random timing: up to this many samples more before the first frame
TAIL_SAMPLES = 4096  # lets the demapper see the last frame out


def burst_packets(
    stream: str, windows: list[np.ndarray], anchor: np.ndarray | None
) -> tuple[list[ol.Packet], list[int]]:
    """The bursts of every window as mapper packets, and each window's symbols per item."""
    codec = qc.codec(stream)
    packets, per_item = [], []
    for w, window in enumerate(windows):
        symbols = codec.encode(window, anchor=anchor)
        k = len(symbols) // len(window)
        per_item.append(k)
        for b, burst in enumerate(bursts.split(symbols, k, BURSTS)):
            packets.append(ol.Packet(ANALOG, STREAM_IDS[stream], w * BURSTS + b, burst))
    return packets, per_item


def air_start(seq: int) -> float:
    """Seconds after the clip's start at which the burst with this seq leaves."""
    window, burst = divmod(seq, BURSTS)
    return window * WINDOW_S + burst * WINDOW_S / BURSTS


def over_the_air(packets: list[ol.Packet], channel: str, esn0_db: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lead = int(rng.integers(0, RANDOM_LEAD))
    if channel == "awgn":
        x = np.concatenate(
            [np.zeros(lead, np.complex64), ol.transmit(packets), np.zeros(TAIL_SAMPLES, np.complex64)]
        )
        return ol.add_awgn(x, esn0_db, ol.DEFAULT, rng)
    frames = [
        TimedFrame(LEAD_SAMPLES + lead + int(round(air_start(p.seq) * SAMP_RATE)), ol.transmit([p]))
        for p in packets
    ]
    y = through_channel(frames, tdl_channel(seed, esn0_db))
    return np.concatenate([y, np.zeros(TAIL_SAMPLES, np.complex64)])


def through_phy(
    stream: str,
    windows: list[np.ndarray],
    channel: str,
    esn0_db: float,
    seed: int,
    anchor: np.ndarray | None = None,
):
    """Decoded windows and how many bursts were lost, for one pass of ``windows`` over the PHY (the face
    relative to ``anchor``)."""
    packets, per_item = burst_packets(stream, windows, anchor)
    y = over_the_air(packets, channel, esn0_db, seed)
    frames = {f.seq: f for f in ol.receive(y).frames if f.stream_id == STREAM_IDS[stream]}
    expected = {p.seq: len(p.symbols) for p in packets}
    decoded, lost = [], 0
    for w, window in enumerate(windows):
        received = {}
        for b in range(bursts.effective_bursts(BURSTS, per_item[w])):
            frame = frames.get(w * BURSTS + b)
            if frame is None or len(frame.symbols) != expected[w * BURSTS + b]:
                lost += 1
            else:
                received[b] = (frame.symbols, frame.noise_var)
        symbols, noise_var = bursts.merge(received, len(window), per_item[w], BURSTS)
        decoded.append(qc.codec(stream).decode(symbols, noise_var, anchor=anchor))
    return decoded, lost


@cache
def face_nmse(channel: str, esn0_db: float) -> tuple[float, int]:
    truth, anchor = qc.held_out().face_params, qc.kb_anchor(qc.held_out())
    windows = [truth[i : i + qc.WINDOW] for i in range(0, len(truth), qc.WINDOW)]
    sent, got, lost = [], [], 0
    for seed in range(1, FACE_REALISATIONS + 1):
        decoded, n_lost = through_phy("face", windows, channel, esn0_db, seed, anchor)
        sent += windows
        got += decoded
        lost += n_lost
    mean, std = qc.training_stats()
    nmse = face_nmse_db(np.concatenate(sent), np.concatenate(got), mean, std)
    print(
        f"face over OFDM, {channel} Es/N0 {esn0_db} dB: NMSE {nmse:.2f} dB, {lost} of "
        f"{FACE_REALISATIONS * len(windows) * BURSTS} bursts lost"
    )
    return nmse, lost


@cache
def token_score(stream: str, channel: str, esn0_db: float) -> float:
    """Text or phoneme accuracy, or the share of durations within one frame, over the PHY."""
    windows = {
        "text": qc.text_windows()[:6],
        "phonemes": qc.phone_windows()[:6],
        "durations": [qc.held_out().durations.astype(np.int64)],
    }[stream]
    truth, got, lost = [], [], 0
    for seed in range(1, REALISATIONS + 1):
        decoded, n_lost = through_phy(stream, windows, channel, esn0_db, seed)
        truth += windows
        got += decoded
        lost += n_lost
    t, g = np.concatenate(truth), np.concatenate(got)
    score = duration_within(t, g, 1) if stream == "durations" else token_accuracy(t, g)
    sent = (
        REALISATIONS * len(windows) * bursts.effective_bursts(BURSTS, qc.codec(stream).spec.symbols_per_item)
    )
    print(
        f"{stream} over OFDM, {channel} Es/N0 {esn0_db} dB: {100 * score:.1f}%, {lost} of {sent} bursts lost"
    )
    return score


def test_face_over_ofdm_and_awgn_falls_with_snr():
    nmse = [face_nmse("awgn", snr)[0] for snr in (4.0, 12.0, 20.0)]
    assert nmse[0] > nmse[1] > nmse[2]


def test_face_over_ofdm_and_awgn_meets_the_bar():
    """-18.47 dB at 12 dB (-18.71 dB at the symbol level, qa_codec.py); coded as absolute parameters
    -16.39 dB, and -15.01 dB before the face codec trained on the other talking heads' motion too."""
    assert face_nmse("awgn", 12.0)[0] <= -15.0


def test_face_over_ofdm_and_ntn_tdl_a_meets_the_bar():
    """-15.33 dB over these 24 realisations (seeds 1-8 -15.52, 1-32 -15.47, 1-40 -15.41: single realisations
    of the 3 windows scatter from -12.4 to -18.5 dB); -11.4 dB against the clip's own spread. Before: trained
    on the plain (not log) window error -14.66 dB, coded as absolute parameters -13.71, before the extra
    talking heads' motion -13.16, as one frame per window -12.6."""
    assert face_nmse("tdl", 12.0)[0] <= -15.0


def test_face_over_ntn_tdl_a_degrades_gracefully():
    """Lower SNR, worse face, never NaN: 4 dB stays finite and still better than sending nothing (0 dB NMSE
    is the training mean's score)."""
    low, high = face_nmse("tdl", 4.0)[0], face_nmse("tdl", 12.0)[0]
    assert np.isfinite(low) and low > high and low < 0.0


@pytest.mark.parametrize("stream", ["text", "phonemes"])
def test_tokens_over_ofdm_and_awgn(stream):
    assert token_score(stream, "awgn", 12.0) >= 0.99
    assert token_score(stream, "awgn", 4.0) >= 0.90


def test_durations_over_ofdm_and_awgn_within_one_frame():
    assert token_score("durations", "awgn", 12.0) >= 0.99


def test_tokens_over_ntn_tdl_a_degrade_gracefully():
    """12 dB beats 4 dB and stays usable, for every token stream."""
    for stream in ("text", "phonemes", "durations"):
        high, low = token_score(stream, "tdl", 12.0), token_score(stream, "tdl", 4.0)
        assert high >= low and high >= 0.8


@pytest.mark.parametrize(
    ("stream", "esn0_db", "bar"),
    [
        pytest.param("text", 12.0, 0.99, id="text-12dB"),
        pytest.param("text", 4.0, 0.90, id="text-4dB"),
        pytest.param("phonemes", 12.0, 0.99, id="phonemes-12dB"),
        pytest.param("phonemes", 4.0, 0.90, id="phonemes-4dB"),
        pytest.param("durations", 12.0, 0.99, id="durations-12dB"),
    ],
)
def test_tokens_over_ntn_tdl_a_meet_the_bars(stream, esn0_db, bar):
    """Text 99.6 % at 12 dB and 92.7 % at 4 dB (5 symbols a character; 99.2 and 87.4 % with 4), phonemes
    99.8 and 95.0 % (8 symbols a phone; 98.4 and 80.0 % with 4), durations 99.3 % within a frame at 12 dB
    (4 symbols; 96.7 % with 2)."""
    assert token_score(stream, "tdl", esn0_db) >= bar

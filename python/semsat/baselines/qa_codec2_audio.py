"""codec2 speech (GNU Radio's vocoder blocks) over the real coded OFDM link on GRID clips: at 20 dB every
packet arrives with exactly the codec2 bits sent (codec2's decoder draws random phases, so its waveform is
not repeatable and the bits are the exact check); WER (pocketsphinx with the GRID grammar) and STOI of the
decoded speech are printed beside the original's; at 0 dB the packets are lost and the speech with them,
without an error."""

from functools import cache

import numpy as np
import pytest
from gnuradio.semsat.baselines import stream_ids
from gnuradio.semsat.baselines import testing_clips as tc
from gnuradio.semsat.baselines.carry import digital_ofdm_carry
from gnuradio.semsat.baselines.channel import LinkChannel
from gnuradio.semsat.baselines.codec2_audio import (
    Codec2Format,
    decode_frames,
    encode_frames,
    pack,
    run_codec2,
    unpack,
)
from gnuradio.semsat.effect.evaluate import asr_transcribe
from gnuradio.semsat.effect.speech_quality import align_audio, speech_wer, stoi

CLIPS = ["grid_bbaf2n", "grid_lbbc2a"]


def grid_asr(audio: np.ndarray, sample_rate: int) -> str:
    return asr_transcribe(audio, sample_rate, grammar="grid")


@cache
def through_link(name: str, esn0_db: float, mode: str = "1300"):
    case = tc.grid_case(name)
    return run_codec2(
        case.clip.audio, case.clip.sample_rate, digital_ofdm_carry(LinkChannel("awgn", esn0_db)), mode
    )


def test_pack_and_unpack_keep_whole_frames():
    fmt = Codec2Format.of("1300")
    bits = np.random.default_rng(1).integers(0, 2, (37, fmt.bits_per_frame)).astype(np.uint8)
    packets = dict(enumerate(pack(bits, fmt)))
    del packets[1]
    got, received = unpack(packets, len(bits), fmt)
    lost = slice(fmt.frames_per_packet, 2 * fmt.frames_per_packet)
    assert not received[lost].any() and received.sum() == len(bits) - fmt.frames_per_packet
    assert np.array_equal(got[received], bits[received])


def test_high_snr_delivers_the_codec2_bits_sent():
    case = tc.grid_case(CLIPS[0])
    fmt = Codec2Format.of("1300")
    bits = encode_frames(case.clip.audio, case.clip.sample_rate, fmt)
    packets = pack(bits, fmt)
    arrived = digital_ofdm_carry(LinkChannel("awgn", 20.0))(packets, stream_ids.AUDIO)
    got, received = unpack(arrived, len(bits), fmt)
    assert received.all() and np.array_equal(got, bits)
    speech = decode_frames(got, received, case.clip.sample_rate, fmt)
    assert abs(len(speech) - len(case.clip.audio)) < fmt.samples_per_frame * case.clip.sample_rate // 8000


@pytest.mark.parametrize("name", CLIPS)
def test_high_snr_speech_quality_beside_the_original(name):
    case = tc.grid_case(name)
    rate = case.clip.sample_rate
    result = through_link(name, 20.0)
    assert result.lost_share == 0.0
    aligned = align_audio(case.clip.audio, result.audio, rate)
    quality = stoi(aligned.reference, aligned.output, rate).value
    wer = speech_wer(result.audio, rate, case.features.text, grid_asr).wer
    original_wer = speech_wer(case.clip.audio, rate, case.features.text, grid_asr).wer
    print(
        f"codec2 1300 {name} 20 dB AWGN, {result.symbols} symbols: STOI {quality:.3f}, WER {wer:.2f} "
        f"(original WER {original_wer:.2f}, GRID grammar)"
    )
    assert quality > 0.5


def test_0_db_loses_the_speech_without_an_error():
    name = CLIPS[0]
    low = through_link(name, 0.0)
    print(f"codec2 1300 {name} 0 dB AWGN: {100 * low.lost_share:.0f}% of frames lost")
    assert low.lost_share >= 0.9
    assert low.audio.shape == tc.grid_case(name).clip.audio.shape and np.isfinite(low.audio).all()

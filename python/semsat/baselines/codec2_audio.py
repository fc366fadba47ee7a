"""Speech for the baselines: codec2 (GNU Radio's gnuradio.vocoder blocks, libcodec2) over the digital path.

The clip's audio is resampled to codec2's 8 kHz, encoded into frames of a fixed bit count (1300 bit/s:
52 bits per 40 ms), and whole frames are packed into packets of at most one codeword (16 frames, 104 bytes),
so a lost packet silences a known stretch of frames. Decoding feeds zero bits for the lost frames (the
decoder keeps running) and then silences their samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from gnuradio import blocks, gr, vocoder
from gnuradio.vocoder import codec2
from scipy.signal import resample_poly

from . import stream_ids
from .budget import codeword_payload_bytes, payloads_symbols
from .carry import DigitalCarry
from .result import AudioResult

CODEC2_RATE = 8000
MODES = {
    "3200": codec2.MODE_3200,
    "2400": codec2.MODE_2400,
    "1600": codec2.MODE_1600,
    "1300": codec2.MODE_1300,
    "1200": codec2.MODE_1200,
    "700C": codec2.MODE_700C,
}
DEFAULT_MODE = "1300"


@dataclass(frozen=True)
class Codec2Format:
    mode: str
    bits_per_frame: int
    samples_per_frame: int  # at 8 kHz

    @classmethod
    def of(cls, mode: str) -> Codec2Format:
        if mode not in MODES:
            raise ValueError(f"unknown codec2 mode {mode!r}; one of {', '.join(MODES)}")
        encoder = vocoder.codec2_encode_sp(MODES[mode])
        bits = encoder.output_signature().sizeof_stream_item(0)
        return cls(mode, bits, round(1 / encoder.relative_rate()))

    @property
    def frames_per_packet(self) -> int:
        return codeword_payload_bytes() * 8 // self.bits_per_frame


def encode_frames(
    audio: npt.NDArray[np.float32], sample_rate: int, fmt: Codec2Format
) -> npt.NDArray[np.uint8]:
    """Codec2 bits [F, bits_per_frame] (0/1) of mono float audio in [-1, 1]."""
    if sample_rate % CODEC2_RATE:
        raise ValueError(f"audio at {sample_rate} Hz: need a multiple of {CODEC2_RATE} Hz")
    narrow = resample_poly(np.asarray(audio, np.float64), 1, sample_rate // CODEC2_RATE)
    pcm = np.clip(np.round(narrow * 32767), -32768, 32767).astype(np.int16)
    pcm = np.concatenate([pcm, np.zeros(-len(pcm) % fmt.samples_per_frame, np.int16)])
    top = gr.top_block()
    source = blocks.vector_source_s(pcm.tolist())
    sink = blocks.vector_sink_b(fmt.bits_per_frame)
    top.connect(source, vocoder.codec2_encode_sp(MODES[fmt.mode]), sink)
    top.run()
    return np.asarray(sink.data(), np.uint8).reshape(-1, fmt.bits_per_frame)


def decode_frames(
    bits: npt.NDArray[np.uint8], received: npt.NDArray[np.bool_], sample_rate: int, fmt: Codec2Format
) -> npt.NDArray[np.float32]:
    """Audio at ``sample_rate`` of codec2 frames [F, bits]; frames not ``received`` come out silent."""
    frames = np.where(received[:, None], bits, 0).astype(np.uint8)
    top = gr.top_block()
    source = blocks.vector_source_b(frames.ravel().tolist(), False, fmt.bits_per_frame)
    sink = blocks.vector_sink_s()
    top.connect(source, vocoder.codec2_decode_ps(MODES[fmt.mode]), sink)
    top.run()
    pcm = np.asarray(sink.data(), np.float64).reshape(-1, fmt.samples_per_frame)
    pcm[~received[: len(pcm)]] = 0.0
    wide = resample_poly(pcm.ravel() / 32768, sample_rate // CODEC2_RATE, 1)
    return wide.astype(np.float32)


def pack(bits: npt.NDArray[np.uint8], fmt: Codec2Format) -> list[bytes]:
    """Packets of frames_per_packet whole frames each (bits packed MSB first, the last byte zero-padded)."""
    step = fmt.frames_per_packet
    return [np.packbits(bits[i : i + step].ravel()).tobytes() for i in range(0, len(bits), step)]


def unpack(packets: dict[int, bytes], n_frames: int, fmt: Codec2Format):
    """Frames [n_frames, bits] and which arrived, from the packets that came out (by packet index)."""
    bits = np.zeros((n_frames, fmt.bits_per_frame), np.uint8)
    received = np.zeros(n_frames, bool)
    step = fmt.frames_per_packet
    for index, payload in packets.items():
        first = index * step
        count = min(step, n_frames - first)
        unpacked = np.unpackbits(np.frombuffer(payload, np.uint8))
        if count <= 0 or unpacked.size < count * fmt.bits_per_frame:
            continue  # not a packet of this stream's layout
        bits[first : first + count] = unpacked[: count * fmt.bits_per_frame].reshape(count, -1)
        received[first : first + count] = True
    return bits, received


def run_codec2(
    audio: npt.NDArray[np.float32], sample_rate: int, carry: DigitalCarry, mode: str = DEFAULT_MODE
) -> AudioResult:
    """Speech through codec2 and the digital path; the result has the clip's length."""
    fmt = Codec2Format.of(mode)
    bits = encode_frames(audio, sample_rate, fmt)
    packets = pack(bits, fmt)
    arrived = carry(packets, stream_ids.AUDIO)
    received_bits, received = unpack(arrived, len(bits), fmt)
    decoded = decode_frames(received_bits, received, sample_rate, fmt)
    decoded = np.concatenate([decoded, np.zeros(max(0, len(audio) - len(decoded)), np.float32)])[: len(audio)]
    symbols = payloads_symbols(len(p) for p in packets)
    return AudioResult(decoded, sample_rate, symbols, float(1 - received.mean()) if len(bits) else 0.0)

"""Update cost: a real JPEG-coded face image → coded bits → symbols at each modulation and code rate."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np
import pytest
from gnuradio.semsat.effect.image_quality import psnr
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.semantic.kb import IdentityRecord, as_received, update_symbols
from gnuradio.semsat.semantic.kb.update_cost import CRC_BYTES, HEADER_BYTES, encode_jpeg
from gnuradio.semsat.testing_media import require_media


@pytest.fixture(scope="module")
def record() -> IdentityRecord:
    """A record holding the centre of a real GRID frame (a face) as its 256x256 reference."""
    frame = read_clip(require_media() / "clips" / "grid_bbaf2n.mpg", max_frames=1).frames[0]
    height, width = frame.shape[:2]
    side = min(height, width)
    square = frame[(height - side) // 2 :, (width - side) // 2 :][:side, :side]
    rng = np.random.default_rng(0)
    return IdentityRecord(
        speaker="G1",
        reference_frame=cv2.resize(square, (256, 256), interpolation=cv2.INTER_AREA),
        reference_mesh=rng.normal(128, 40, (468, 3)).astype(np.float32),
        reference_params=np.zeros(12, np.float32),
        embedding=rng.normal(0, 0.1, 128).astype(np.float32),
        voice={"median_f0_hz": 120.0},
    )


def test_symbols_follow_bytes_code_rate_and_modulation(record: IdentityRecord) -> None:
    image_bytes = len(encode_jpeg(record.reference_frame))
    side = 48 + 468 * 3 * 2 + 128 * 2 + len('{"median_f0_hz":120.0}') + len("G1")
    cost = update_symbols(record, "qpsk", 0.5)
    assert cost.image_bytes == image_bytes and 3_000 < image_bytes < 40_000
    assert cost.bytes == image_bytes + side + HEADER_BYTES + CRC_BYTES
    assert cost.coded_bits == math.ceil(cost.bytes * 8 / 0.5)
    assert cost.symbols == math.ceil(cost.bytes * 8 / 0.5 / 2)
    print(f"\nreference JPEG q=85 {image_bytes} B, update {cost.bytes} B, QPSK 1/2: {cost.symbols} symbols")

    symbols = {m: update_symbols(record, m, 0.5).symbols for m in ("qpsk", "16qam", "64qam")}
    assert symbols["qpsk"] > symbols["16qam"] > symbols["64qam"]
    assert symbols["qpsk"] == pytest.approx(2 * symbols["16qam"], abs=1)
    assert update_symbols(record, "qpsk", 0.5).symbols > update_symbols(record, "qpsk", 0.75).symbols


def test_an_open_mouth_frame_costs_a_second_image(record: IdentityRecord) -> None:
    with_mouth = replace(
        record, open_mouth_frame=record.reference_frame[:, ::-1].copy(), open_mouth_mesh=record.reference_mesh
    )
    single, double = update_symbols(record), update_symbols(with_mouth)
    assert double.image_bytes == pytest.approx(2 * single.image_bytes, rel=0.05)
    assert double.bytes == single.bytes + (double.image_bytes - single.image_bytes) + 468 * 3 * 2


def test_the_receiver_gets_the_jpeg_decoded_reference(record: IdentityRecord) -> None:
    received = as_received(record)
    assert received.reference_frame.shape == (256, 256, 3)
    assert 30.0 < psnr(record.reference_frame[None], received.reference_frame[None]).mean < 60.0


def test_bad_modulation_or_code_rate_is_refused(record: IdentityRecord) -> None:
    with pytest.raises(ValueError, match="modulation must be one of"):
        update_symbols(record, "8psk")
    with pytest.raises(ValueError, match="code rate"):
        update_symbols(record, "qpsk", 1.5)

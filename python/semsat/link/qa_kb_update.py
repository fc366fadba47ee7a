"""A KB update as digital-path packets: a real GRID face record survives bytes -> shuffled, duplicated
packets -> record (frames exactly as the receiver's JPEG decoder gives them), costs what update_cost prices,
and a missing packet keeps the record back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from gnuradio.semsat.link.kb_update import PACKET_BYTES, UpdateAssembler, record_to_bytes, update_packets
from gnuradio.semsat.media.clip import read_clip
from gnuradio.semsat.semantic.kb import IdentityRecord, as_received, update_symbols
from gnuradio.semsat.semantic.kb.update_cost import CRC_BYTES, HEADER_BYTES
from gnuradio.semsat.testing_media import require_media


@pytest.fixture(scope="module")
def record() -> IdentityRecord:
    frames = read_clip(require_media() / "clips" / "grid_bbaf2n.mpg", max_frames=30).frames
    crops = [cv2.resize(f[16:272, 52:308], (256, 256)) for f in (frames[0], frames[29], frames[15])]
    rng = np.random.default_rng(0)
    return IdentityRecord(
        speaker="G1",
        reference_frame=crops[0],
        reference_mesh=rng.normal(128, 40, (468, 3)).astype(np.float32),
        reference_params=rng.normal(0, 0.2, 12).astype(np.float32),
        embedding=rng.normal(0, 0.1, 128).astype(np.float32),
        open_mouth_frame=crops[1],
        open_mouth_mesh=rng.normal(128, 40, (468, 3)).astype(np.float32),
        closed_eye_frame=crops[2],
        closed_eye_mesh=rng.normal(128, 40, (468, 3)).astype(np.float32),
        hair_follow=1.0,
        texture_offsets=rng.normal(0, 1.5, (10, 468, 2)).astype(np.float32),
        voice={"median_f0_hz": 120.0, "voice": "kal16"},
    ).validate()


def test_packets_in_any_order_give_the_received_record(record: IdentityRecord) -> None:
    packets = update_packets(record, update_id=7)
    assert len(packets) > 1 and all(len(p) <= PACKET_BYTES + 6 for p in packets)
    order = np.random.default_rng(1).permutation(len(packets))
    assembler, got = UpdateAssembler(), None
    for i in [*order[:3], *order]:  # three duplicates first
        got = assembler.add(packets[i]) or got
    expected = as_received(record)
    assert got is not None and got.speaker == "G1"
    np.testing.assert_array_equal(got.reference_frame, expected.reference_frame)
    np.testing.assert_array_equal(got.open_mouth_frame, expected.open_mouth_frame)
    np.testing.assert_array_equal(got.closed_eye_frame, expected.closed_eye_frame)
    np.testing.assert_allclose(got.closed_eye_mesh, record.closed_eye_mesh, rtol=1e-3)
    assert got.hair_follow == record.hair_follow
    np.testing.assert_array_equal(got.texture_offsets, expected.texture_offsets)
    step = np.abs(record.texture_offsets).reshape(10, -1).max(axis=1) / 127  # int8 with a scale per row
    assert (
        np.abs(got.texture_offsets - record.texture_offsets).reshape(10, -1) <= step[:, None] / 2 + 1e-6
    ).all()
    np.testing.assert_allclose(got.reference_mesh, record.reference_mesh, rtol=1e-3)  # float16
    np.testing.assert_array_equal(got.reference_params, record.reference_params)
    assert got.voice == record.voice


def test_the_bytes_are_what_update_cost_prices(record: IdentityRecord) -> None:
    """update_cost counts the same parts plus its header and CRC; ours carries a table of contents (JSON,
    about 30 bytes a part, up to 10 parts)."""
    priced = update_symbols(record).bytes - HEADER_BYTES - CRC_BYTES
    assert priced <= len(record_to_bytes(record)) <= priced + 300


def test_a_missing_packet_holds_the_record_back(record: IdentityRecord) -> None:
    packets = update_packets(record, update_id=1)
    assembler = UpdateAssembler()
    assert all(assembler.add(p) is None for p in packets[1:])
    assert assembler.missing(1, len(packets)) == [0]
    assert assembler.add(packets[0]) is not None


def test_malformed_packets_are_refused(record: IdentityRecord) -> None:
    packets = update_packets(record, update_id=2)
    assembler = UpdateAssembler()
    with pytest.raises(ValueError):
        assembler.add(b"\x01\x02")
    assembler.add(packets[0])
    with pytest.raises(ValueError, match="does not fit"):
        assembler.add(packets[1][:2] + b"\x00\x00\x01\x00" + b"x")  # same update id, another count

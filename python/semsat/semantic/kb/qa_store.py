"""The knowledge-base store: lossless round trip, versions, two ends on one file, clear errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gnuradio.semsat.semantic.kb import IdentityRecord, KnowledgeBase, KnowledgeBaseError, RecordError


def make_record(speaker: str = "V3", seed: int = 0, open_mouth: bool = True) -> IdentityRecord:
    """A random record; ``open_mouth`` False also leaves out the closed-eye pair and the hair share."""
    rng = np.random.default_rng(seed)

    def frame() -> np.ndarray:
        return rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)

    def mesh() -> np.ndarray:
        return rng.normal(128, 40, (468, 3)).astype(np.float32)

    return IdentityRecord(
        speaker=speaker,
        reference_frame=frame(),
        reference_mesh=mesh(),
        reference_params=rng.normal(0, 0.2, 12).astype(np.float32),
        embedding=rng.normal(0, 0.1, 128).astype(np.float32),
        open_mouth_frame=frame() if open_mouth else None,
        open_mouth_mesh=mesh() if open_mouth else None,
        closed_eye_frame=frame() if open_mouth else None,
        closed_eye_mesh=mesh() if open_mouth else None,
        hair_follow=1.0 if open_mouth else None,
        texture_offsets=rng.normal(0, 1, (10, 468, 2)).astype(np.float32) if open_mouth else None,
        voice={"median_f0_hz": 118.5, "rate_phones_per_s": 11.2, "envelope": [0.1, -0.2]},
    )


def assert_same(stored: IdentityRecord, original: IdentityRecord) -> None:
    assert stored.speaker == original.speaker and stored.voice == original.voice
    for name in ("reference_frame", "reference_mesh", "reference_params", "embedding"):
        got, want = getattr(stored, name), getattr(original, name)
        assert got.dtype == want.dtype and np.array_equal(got, want), name
    for pair in ("open_mouth", "closed_eye"):
        for part in ("frame", "mesh"):
            got, want = getattr(stored, f"{pair}_{part}"), getattr(original, f"{pair}_{part}")
            assert (got is None and want is None) or np.array_equal(got, want), f"{pair}_{part}"
    assert stored.hair_follow == original.hair_follow
    got, want = stored.texture_offsets, original.texture_offsets
    assert (got is None and want is None) or np.array_equal(got, want), "texture_offsets"


def test_round_trip_is_bit_exact(tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path / "kb.sqlite") as kb:
        assert kb.get("V3") is None and kb.speakers() == []
        for record in (make_record("V3"), make_record("G1", seed=1, open_mouth=False)):
            kb.put(record)
            assert_same(kb.get(record.speaker), record)
        assert kb.speakers() == ["G1", "V3"]
    with KnowledgeBase(tmp_path / "kb.sqlite") as reopened:
        assert_same(reopened.get("V3"), make_record("V3"))


def test_put_increments_the_version_and_keeps_history(tmp_path: Path) -> None:
    with KnowledgeBase(tmp_path / "kb.sqlite") as kb:
        first = kb.put(make_record(seed=0))
        second = kb.put(make_record(seed=1))
        assert (first.version, second.version) == (1, 2)
        assert second.updated_at >= first.updated_at > 0
        assert kb.get("V3").version == 2
        assert_same(kb.get("V3"), make_record(seed=1))
        assert [r.version for r in kb.history("V3")] == [1, 2]


def test_two_ends_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase(path) as transmitter, KnowledgeBase(path) as receiver:
        transmitter.put(make_record("V3"))
        assert_same(receiver.get("V3"), make_record("V3"))
        receiver.put(make_record("V3", seed=5))
        assert transmitter.get("V3").version == 2
        writer = (
            "import sys; sys.path.insert(0, sys.argv[2]); from qa_store import make_record; "
            "from gnuradio.semsat.semantic.kb import KnowledgeBase; "
            "KnowledgeBase(sys.argv[1]).put(make_record('G2', seed=7))"
        )
        subprocess.run([sys.executable, "-c", writer, str(path), str(Path(__file__).parent)], check=True)
        assert transmitter.speakers() == ["G2", "V3"]
        assert_same(receiver.get("G2"), make_record("G2", seed=7))


def test_corrupted_or_foreign_files_are_refused_naming_the_file(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(KnowledgeBaseError, match="garbage.sqlite"):
        KnowledgeBase(garbage)

    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(KnowledgeBaseError, match="foreign.sqlite.*foreign SQLite database"):
        KnowledgeBase(foreign)

    newer = tmp_path / "newer.sqlite"
    KnowledgeBase(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(KnowledgeBaseError, match="newer.sqlite.*schema 99.*update gr-semsat"):
        KnowledgeBase(newer)


def test_a_schema_1_file_is_upgraded_and_keeps_its_records(tmp_path: Path) -> None:
    """A file written before the closed-eye frame and hair share existed (schema 1, its exact layout) is
    upgraded through schema 2 to 3 (texture offsets)."""
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE identities (speaker TEXT NOT NULL, version INTEGER NOT NULL, updated_at REAL NOT "
            "NULL, reference_frame BLOB NOT NULL, reference_mesh BLOB NOT NULL, reference_params BLOB NOT "
            "NULL, open_mouth_frame BLOB, open_mouth_mesh BLOB, embedding BLOB NOT NULL, voice TEXT, "
            "PRIMARY KEY (speaker, version))"
        )
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("application", "gr-semsat-kb"), ("schema_version", "1")]
        )
    record = make_record("V3")
    old = IdentityRecord(
        **{
            **record.__dict__,
            "closed_eye_frame": None,
            "closed_eye_mesh": None,
            "hair_follow": None,
            "texture_offsets": None,
        }
    )
    with KnowledgeBase(tmp_path / "new.sqlite") as kb:  # the schema-1 row of the record, from a schema-2 row
        kb.put(old)
    with sqlite3.connect(tmp_path / "new.sqlite") as new, sqlite3.connect(path) as db:
        columns = "speaker, version, updated_at, reference_frame, reference_mesh, reference_params, "
        columns += "open_mouth_frame, open_mouth_mesh, embedding, voice"
        row = new.execute(f"SELECT {columns} FROM identities").fetchone()
        db.execute(f"INSERT INTO identities ({columns}) VALUES ({', '.join('?' * 10)})", row)
    with KnowledgeBase(path) as kb:
        assert_same(kb.get("V3"), old)
        kb.put(record)
        assert_same(kb.get("V3"), record)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("3",)


def test_a_corrupted_record_is_refused_naming_file_and_speaker(tmp_path: Path) -> None:
    path = tmp_path / "kb.sqlite"
    with KnowledgeBase(path) as kb:
        kb.put(make_record("V3"))
        with sqlite3.connect(path) as db:
            db.execute("UPDATE identities SET reference_frame = x'00ff00'")
        with pytest.raises(KnowledgeBaseError, match="kb.sqlite.*'V3'.*PNG"):
            kb.get("V3")


def test_invalid_records_are_refused() -> None:
    record = make_record()
    with pytest.raises(RecordError, match="reference_mesh must be float32"):
        IdentityRecord(
            **{**record.__dict__, "reference_mesh": record.reference_mesh.astype(np.float64)}
        ).validate()
    with pytest.raises(RecordError, match="voice must be a JSON-able"):
        IdentityRecord(**{**record.__dict__, "voice": {"f0": np.float32(1.0)}}).validate()
    with pytest.raises(RecordError, match="come together"):
        IdentityRecord(**{**record.__dict__, "open_mouth_mesh": None}).validate()
    with pytest.raises(RecordError, match="closed_eye_frame and closed_eye_mesh come together"):
        IdentityRecord(**{**record.__dict__, "closed_eye_frame": None}).validate()
    with pytest.raises(RecordError, match="hair_follow must lie in"):
        IdentityRecord(**{**record.__dict__, "hair_follow": float("nan")}).validate()

"""The knowledge base: one SQLite file per end holding every identity record and its update history.

Both ends (transmitter and receiver) keep one; they stay equal because every update the transmitter stores
is also sent over the digital path. Layout (``SCHEMA_VERSION`` 3):

- ``meta(key, value)``: ``application`` = ``gr-semsat-kb``, ``schema_version``.
- ``identities(speaker, version, updated_at, ...)``: one row per stored version of a speaker, primary key
  (speaker, version); frames as lossless PNG BLOBs, float arrays as raw float32 BLOBs, voice as JSON text.

Schema 2 added the closed-eye frame and mesh and the hair-follow share; a schema-1 file is upgraded in place
on opening (the new columns stay NULL for its records: no blink frame, the renderer's default hair motion).
Schema 3 added the texture offsets (NULL for older records: the renderer samples at the mesh).

Several processes may share a file: it runs in WAL mode (readers never block the writer), writes are
``BEGIN IMMEDIATE`` transactions and a busy file is waited on for up to ``BUSY_TIMEOUT_S``. A file that is
not SQLite, a foreign database or one written by a newer schema raises KnowledgeBaseError naming the file.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from .blobs import BlobError, blob_to_floats, floats_to_blob, frame_to_png, png_to_frame
from .record import (
    EMBEDDING_SHAPE,
    FRAME_SHAPE,
    MESH_SHAPE,
    PARAMS_SHAPE,
    TEXTURE_OFFSETS_SHAPE,
    IdentityRecord,
)

SCHEMA_VERSION = 3
APPLICATION = "gr-semsat-kb"
BUSY_TIMEOUT_S = 30.0

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE identities (
    speaker TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    reference_frame BLOB NOT NULL,
    reference_mesh BLOB NOT NULL,
    reference_params BLOB NOT NULL,
    open_mouth_frame BLOB,
    open_mouth_mesh BLOB,
    closed_eye_frame BLOB,
    closed_eye_mesh BLOB,
    hair_follow REAL,
    embedding BLOB NOT NULL,
    voice TEXT,
    texture_offsets BLOB,
    PRIMARY KEY (speaker, version)
    )""",
)
_COLUMNS = (
    "speaker, version, updated_at, reference_frame, reference_mesh, reference_params, "
    "open_mouth_frame, open_mouth_mesh, closed_eye_frame, closed_eye_mesh, hair_follow, embedding, voice, "
    "texture_offsets"
)
# Schema upgrades: the statements that take a file from the key's schema to the next.
_UPGRADES = {
    1: (
        "ALTER TABLE identities ADD COLUMN closed_eye_frame BLOB",
        "ALTER TABLE identities ADD COLUMN closed_eye_mesh BLOB",
        "ALTER TABLE identities ADD COLUMN hair_follow REAL",
    ),
    2: ("ALTER TABLE identities ADD COLUMN texture_offsets BLOB",),
}


class KnowledgeBaseError(RuntimeError):
    """A knowledge-base file that cannot be used (not SQLite, foreign, newer schema, corrupted record)."""


class KnowledgeBase:
    """Identity records in the SQLite file ``path`` (created with the schema when missing or empty)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise KnowledgeBaseError(f"{self.path}: cannot open the knowledge base ({e})") from e
        try:
            self._open()
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise KnowledgeBaseError(f"{self.path}: not a gr-semsat knowledge base or corrupted ({e})") from e
        except KnowledgeBaseError:
            self._db.close()
            raise

    def _open(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        with self._transaction():
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                for statement in _SCHEMA:
                    self._db.execute(statement)
                self._db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION))],
                )
                return
        if "meta" not in tables or "identities" not in tables:
            raise KnowledgeBaseError(
                f"{self.path}: a foreign SQLite database (tables {sorted(tables)}), not a knowledge base"
            )
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("application") != APPLICATION:
            raise KnowledgeBaseError(
                f"{self.path}: a foreign SQLite database (application {meta.get('application')!r})"
            )
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise KnowledgeBaseError(f"{self.path}: unreadable schema_version {version!r}")
        if int(version) in _UPGRADES:
            self._upgrade(int(version))
            return
        if int(version) != SCHEMA_VERSION:
            newer = int(version) > SCHEMA_VERSION
            raise KnowledgeBaseError(
                f"{self.path}: knowledge-base schema {version}, this gr-semsat reads schema {SCHEMA_VERSION}"
                + ("; update gr-semsat" if newer else "; rebuild the knowledge base")
            )

    def _upgrade(self, version: int) -> None:
        with self._transaction():
            current = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            if current != str(version):  # another process upgraded it meanwhile
                return
            while version in _UPGRADES:
                for statement in _UPGRADES[version]:
                    self._db.execute(statement)
                version += 1
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write transaction that takes the file's write lock at once (no deadlocking upgrades)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def put(self, record: IdentityRecord) -> IdentityRecord:
        """Stores ``record`` as the speaker's next version; returns it with its version and time set."""
        record.validate()
        try:
            with self._transaction():
                (latest,) = self._db.execute(
                    "SELECT COALESCE(MAX(version), 0) FROM identities WHERE speaker = ?", (record.speaker,)
                ).fetchone()
                stored = replace(record, version=latest + 1, updated_at=time.time())
                placeholders = ", ".join("?" * len(_COLUMNS.split(",")))
                self._db.execute(f"INSERT INTO identities ({_COLUMNS}) VALUES ({placeholders})", _row(stored))
        except sqlite3.DatabaseError as e:
            raise KnowledgeBaseError(f"{self.path}: cannot store {record.speaker!r} ({e})") from e
        return stored

    def get(self, speaker: str) -> IdentityRecord | None:
        """The speaker's latest record, or None for a speaker never stored."""
        rows = self._select("WHERE speaker = ? ORDER BY version DESC LIMIT 1", (speaker,))
        return rows[0] if rows else None

    def history(self, speaker: str) -> list[IdentityRecord]:
        """Every stored version of the speaker, oldest first."""
        return self._select("WHERE speaker = ? ORDER BY version", (speaker,))

    def speakers(self) -> list[str]:
        """Speakers with at least one record, sorted."""
        return [row[0] for row in self._query("SELECT DISTINCT speaker FROM identities ORDER BY speaker", ())]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as e:
            raise KnowledgeBaseError(f"{self.path}: cannot read the knowledge base ({e})") from e

    def _select(self, where: str, args: tuple[Any, ...]) -> list[IdentityRecord]:
        rows = self._query(f"SELECT {_COLUMNS} FROM identities {where}", args)
        try:
            return [_record(row) for row in rows]
        except (BlobError, ValueError) as e:
            raise KnowledgeBaseError(f"{self.path}: corrupted record of {args[0]!r} ({e})") from e


def _optional_pair(frame: Any, mesh: Any) -> tuple[bytes | None, bytes | None]:
    if frame is None or mesh is None:
        return None, None
    return frame_to_png(frame), floats_to_blob(mesh)


def _row(record: IdentityRecord) -> tuple[Any, ...]:
    return (
        record.speaker,
        record.version,
        record.updated_at,
        frame_to_png(record.reference_frame),
        floats_to_blob(record.reference_mesh),
        floats_to_blob(record.reference_params),
        *_optional_pair(record.open_mouth_frame, record.open_mouth_mesh),
        *_optional_pair(record.closed_eye_frame, record.closed_eye_mesh),
        record.hair_follow,
        floats_to_blob(record.embedding),
        None if record.voice is None else json.dumps(record.voice, allow_nan=False),
        None if record.texture_offsets is None else floats_to_blob(record.texture_offsets),
    )


def _record(row: tuple[Any, ...]) -> IdentityRecord:
    speaker, version, updated_at, frame, mesh, params, mouth_frame, mouth_mesh = row[:8]
    eye_frame, eye_mesh, hair_follow, embedding, voice, texture = row[8:]
    return IdentityRecord(
        speaker=speaker,
        version=int(version),
        updated_at=float(updated_at),
        reference_frame=png_to_frame(frame, FRAME_SHAPE),
        reference_mesh=blob_to_floats(mesh, MESH_SHAPE),
        reference_params=blob_to_floats(params, PARAMS_SHAPE),
        open_mouth_frame=None if mouth_frame is None else png_to_frame(mouth_frame, FRAME_SHAPE),
        open_mouth_mesh=None if mouth_mesh is None else blob_to_floats(mouth_mesh, MESH_SHAPE),
        closed_eye_frame=None if eye_frame is None else png_to_frame(eye_frame, FRAME_SHAPE),
        closed_eye_mesh=None if eye_mesh is None else blob_to_floats(eye_mesh, MESH_SHAPE),
        hair_follow=None if hair_follow is None else float(hair_follow),
        texture_offsets=None if texture is None else blob_to_floats(texture, TEXTURE_OFFSETS_SHAPE),
        embedding=blob_to_floats(embedding, EMBEDDING_SHAPE),
        voice=None if voice is None else json.loads(voice),
    ).validate()

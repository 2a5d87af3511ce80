"""Consistent backups of a running instance, and restoring them into an empty one.

A backup is a ZIP archive: ``manifest.json`` (format, schema revision, row counts, file hashes,
audit head), ``tables/<name>.jsonl`` (one JSON object a row) and ``files/…`` (the stored files).
Rows are read from one snapshot: on SQLite a copy made with SQLite's online backup API, on
PostgreSQL one REPEATABLE READ transaction; so the server keeps running while it is taken.
Stored files are content-addressed and never rewritten, so copying them after the snapshot is safe.
The logical format restores across backends (SQLite → PostgreSQL and back).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    LargeBinary,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.sql.schema import Table

from integrity.db import Base, UTCDateTime

FORMAT = "integrity-backup"
VERSION = 1

# Folders of the data directory that hold work in progress, never part of a backup.
TRANSIENT = frozenset({"resumable", "tmp"})


class BackupError(RuntimeError):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and not isinstance(value, int | str | bool):
        return value.value  # enums
    return value


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is not None:
            kind = column.type
            if isinstance(kind, UTCDateTime):
                value = dt.datetime.fromisoformat(value)
                if value.tzinfo is None:
                    value = value.replace(tzinfo=dt.UTC)
            elif isinstance(kind, DateTime):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(kind, Date):
                value = dt.date.fromisoformat(value)
            elif isinstance(kind, LargeBinary):
                value = base64.b64decode(value)
        decoded[column.name] = value
    return decoded


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            source = sqlite3.connect(database)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            snapshot_engine = create_engine(f"sqlite:///{copy}")
            try:
                with snapshot_engine.connect() as conn:
                    yield conn
            finally:
                snapshot_engine.dispose()
    else:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_backup(engine: Engine, data_dir: Path, out: Path) -> dict[str, Any]:
    """Write the archive to ``out`` (atomically: a temporary file renamed at the end)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    manifest: dict[str, Any] = {"format": FORMAT, "version": VERSION, "tables": {}, "files": {}}
    try:
        with (
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            _snapshot(engine) as conn,
        ):
            manifest["created_at"] = dt.datetime.now(dt.UTC).isoformat()
            manifest["revision"] = conn.execute(
                text("SELECT version_num FROM alembic_version")
            ).scalar()
            for table in Base.metadata.sorted_tables:
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as handle:
                    order = list(table.primary_key.columns)
                    for row in conn.execute(select(table).order_by(*order)).mappings():
                        line = json.dumps(
                            {k: _encode(v) for k, v in row.items()}, ensure_ascii=False
                        )
                        handle.write(line.encode("utf-8") + b"\n")
                        count += 1
                manifest["tables"][table.name] = count
            head = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
            manifest["audit_head"] = [head[0], head[1]] if head else [0, "0" * 64]
            if data_dir.exists():
                # Uploads still arriving and scans waiting to be read are transient, and in plain:
                # they stay out of backups (a restored instance asks for them again).
                for path in sorted(
                    p
                    for p in data_dir.rglob("*")
                    if p.is_file() and p.relative_to(data_dir).parts[0] not in TRANSIENT
                ):
                    relative = path.relative_to(data_dir).as_posix()
                    manifest["files"][relative] = _sha256(path)
                    archive.write(path, f"files/{relative}", compress_type=zipfile.ZIP_STORED)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, json.JSONDecodeError):
        raise BackupError(
            "not an Integrity backup: manifest.json is missing or unreadable"
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("not an Integrity backup of a version this program reads")
    return dict(manifest)


def is_empty(conn: Connection) -> bool:
    for table in Base.metadata.sorted_tables:
        if conn.execute(select(func.count()).select_from(table)).scalar():
            return False
    return True


def restore_rows(conn: Connection, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Insert every row (in foreign-key order) in the caller's transaction."""
    known = {t.name for t in Base.metadata.sorted_tables}
    unknown = set(manifest["tables"]) - known
    if unknown:
        raise BackupError(
            f"the backup holds tables this version does not know: {', '.join(sorted(unknown))}"
        )
    for table in Base.metadata.sorted_tables:
        if table.name not in manifest["tables"]:
            continue
        batch: list[dict[str, Any]] = []
        with archive.open(f"tables/{table.name}.jsonl") as handle:
            for line in handle:
                batch.append(_decode(table, json.loads(line)))
                if len(batch) >= 1000:
                    conn.execute(table.insert(), batch)
                    batch = []
        if batch:
            conn.execute(table.insert(), batch)
    if conn.dialect.name == "postgresql":
        for table in Base.metadata.sorted_tables:
            # Only an integer key counted by a sequence (a random text key has none).
            column = table.autoincrement_column
            if column is not None and column.name == "id":
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                    )
                )


def restore_files(archive: zipfile.ZipFile, manifest: dict[str, Any], data_dir: Path) -> int:
    count = 0
    for relative, expected in manifest["files"].items():
        target = (data_dir / relative).resolve()
        if data_dir.resolve() not in target.parents:
            raise BackupError(f"refusing a file outside the data folder: {relative}")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with archive.open(f"files/{relative}") as source, partial.open("wb") as sink:
            digest = hashlib.sha256()
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                sink.write(block)
        if digest.hexdigest() != expected:
            partial.unlink()
            raise BackupError(f"stored file {relative} does not match its hash in the manifest")
        os.replace(partial, target)
        count += 1
    return count

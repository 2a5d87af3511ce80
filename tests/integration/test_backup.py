from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, make_url, select, text

from integrity import create_app
from integrity.audit.services import chain_head
from integrity.db import Base
from integrity.demo.loader import load_demo
from integrity.extensions import db
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import PG_URL, _settings


def counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as the test database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored' / 'db.sqlite3'}"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_populated_instance_round_trips_through_backup_and_restore(
    app: Flask, tmp_path: Path, empty_database_url: str, demo: None
) -> None:
    # The demo's scan step adds encrypted stored files.
    stored = Path(settings_of(app).data_dir) / "ab" / "cdef.bin"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"a stored scan \x00\x01")
    before, head = counts(), chain_head(db.session)

    archive = tmp_path / "backup.zip"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as z:
        assert "manifest.json" in z.namelist()

    target = tmp_path / "restored"
    restored = create_app(_settings(empty_database_url, target), instance_path=str(target))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "audit chain intact" in result.output
        assert counts() == before
        assert chain_head(db.session) == head
        assert (target / "data" / "ab" / "cdef.bin").read_bytes() == b"a stored scan \x00\x01"
        # New rows get fresh ids after a restore (PostgreSQL sequences were moved past the data).

        f.district(db.session, "Жаңа аудан", "Новый район")
        db.session.commit()
        again = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert again.exit_code == 1
        assert "already holds data" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_file_that_is_not_a_backup_is_refused(app: Flask, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.zip"
    with zipfile.ZipFile(bogus, "w") as z:
        z.writestr("hello.txt", "hi")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1
    assert "not an Integrity backup" in result.output
    not_zip = tmp_path / "plain.zip"
    not_zip.write_text("nope")
    assert (
        "not a backup archive"
        in app.test_cli_runner().invoke(args=["restore", str(not_zip)]).output
    )


def test_a_backup_is_taken_while_another_connection_holds_a_write_transaction(
    app: Flask, session: Any, tmp_path: Path
) -> None:
    load_demo(db.session, scans=False)
    db.session.commit()
    f.district(db.session, "Жаңа аудан", "Новый район")  # uncommitted: a request in flight
    archive = tmp_path / "during.zip"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    db.session.rollback()
    assert result.exit_code == 0, result.output
    assert archive.exists()

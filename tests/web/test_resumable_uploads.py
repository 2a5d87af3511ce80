"""Resumable uploads (tus 1.0) spoken byte by byte: creation, chunks, offsets, a cut connection,
termination, expiry, other people's uploads, and the scan upload they feed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.audit.models import AuditEvent
from integrity.extensions import db
from integrity.scans.models import Upload
from integrity.settings import settings_of
from integrity.uploads import services
from integrity.uploads.models import ResumableUpload
from integrity.uploads.web import _Body as Body  # the web layer hands a body over so
from integrity.uploads.wiring import spool_of
from tests.conftest import login
from tests.factories import print_and_scan

TUS = {"Tus-Resumable": "1.0.0"}


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def create(client: FlaskClient, length: int, **meta: str) -> Any:
    return client.post(
        "/uploads/tus/",
        headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": metadata(**meta)},
    )


def patch(client: FlaskClient, location: str, offset: int, body: bytes) -> Any:
    return client.patch(
        location,
        data=body,
        headers={**TUS, "Upload-Offset": str(offset),
                 "Content-Type": "application/offset+octet-stream"},
    )  # fmt: skip


def head(client: FlaskClient, location: str) -> Any:
    g.pop("_login_user", None)
    return client.open(location, method="HEAD", headers=TUS)


@pytest.fixture
def sender(client: FlaskClient, users: Any) -> Any:
    user = users.make(Role.IT_SPECIALIST)
    login(client, user)
    return user


def test_the_server_names_its_version_extensions_and_largest_upload(
    app: Flask, client: FlaskClient, sender: Any
) -> None:
    answer = client.options("/uploads/tus/")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {"creation", "termination",
                                                               "expiration"}  # fmt: skip
    assert int(answer.headers["Tus-Max-Size"]) == settings_of(app).max_upload_mb << 20


def test_a_scan_sent_in_chunks_is_stored_whole_and_read(
    app: Flask, client: FlaskClient, sender: Any, session: Any, round_world: dict[str, Any],
    tmp_path: Path,
) -> None:  # fmt: skip
    data = print_and_scan(session, round_world, tmp_path).read_bytes()
    created = create(client, len(data), filename="скан-1.pdf", purpose="scans",
                     round_id=str(round_world["round"].id))  # fmt: skip
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "0"
    location = created.headers["Location"]
    chunk = len(data) // 3 + 1
    assert patch(client, location, 0, data[:chunk]).headers["Upload-Offset"] == str(chunk)
    assert head(client, location).headers["Upload-Offset"] == str(chunk)
    send_rest = data[chunk:]
    answer = patch(client, location, chunk, send_rest[:chunk])
    assert answer.status_code == 204
    answer = patch(client, location, 2 * chunk, send_rest[chunk:])
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == str(len(data))

    verdict = client.get(f"/uploads/{location.rsplit('/', 1)[-1]}.json").get_json()
    assert verdict["state"] == "done" and verdict["result"]["new"] is True
    upload = db.session.get(Upload, verdict["result"]["upload_id"])
    assert upload is not None and upload.filename == "скан-1.pdf"
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.status == "done" and upload.pages_total == 12  # the reading job ran too
    row = db.session.execute(select(ResumableUpload)).scalar_one()
    assert not spool_of(app).path(row).exists()  # the bytes waited only until stored


def test_a_chunk_for_another_offset_is_refused_with_the_servers_offset(
    client: FlaskClient, sender: Any, round_world: dict[str, Any]
) -> None:
    location = create(client, 100, filename="a.pdf", purpose="scans",
                      round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    assert patch(client, location, 0, b"x" * 40).status_code == 204
    again = patch(client, location, 0, b"x" * 40)  # a retry of a chunk already kept
    assert again.status_code == 409 and again.headers["Upload-Offset"] == "40"
    ahead = patch(client, location, 60, b"x" * 40)
    assert ahead.status_code == 409 and ahead.headers["Upload-Offset"] == "40"
    past = patch(client, location, 40, b"x" * 61)
    assert past.status_code == 422
    assert head(client, location).headers["Upload-Offset"] == "40"


class CutShort(io.RawIOBase):
    """A request body whose connection drops after ``keep`` of the bytes it announced."""

    def __init__(self, data: bytes, keep: int) -> None:
        self.data, self.keep, self.at = data, keep, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.at >= self.keep:
            from werkzeug.exceptions import ClientDisconnected

            raise ClientDisconnected()
        n = min(len(buffer), self.keep - self.at)
        buffer[:n] = self.data[self.at : self.at + n]
        self.at += n
        return n


def test_a_dropped_connection_keeps_what_arrived_and_the_upload_resumes_there(
    app: Flask, client: FlaskClient, sender: Any, session: Any, round_world: dict[str, Any],
    tmp_path: Path,
) -> None:  # fmt: skip
    data = print_and_scan(session, round_world, tmp_path).read_bytes()
    location = create(client, len(data), filename="a.pdf", purpose="scans",
                      round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    upload = db.session.execute(select(ResumableUpload)).scalar_one()
    body = CutShort(data[:200_000], 123_457)  # as the server reads a body when the line drops
    kept = services.append(db.session, upload, offset=0, stream=Body(body), declared=200_000,
                           spool=spool_of(app))  # fmt: skip
    db.session.commit()
    assert kept == 123_457
    offset = int(head(client, location).headers["Upload-Offset"])
    assert offset == 123_457
    while offset < len(data):
        answer = patch(client, location, offset, data[offset : offset + 1_000_000])
        assert answer.status_code == 204
        offset = int(answer.headers["Upload-Offset"])
    db.session.refresh(upload)
    assert upload.state == "done" and upload.result is not None
    stored = db.session.get(Upload, upload.result["upload_id"])
    assert stored is not None and stored.sha256 == hashlib.sha256(data).hexdigest()


def test_a_refusal_is_told_in_the_senders_language(
    client: FlaskClient, sender: Any, round_world: dict[str, Any]
) -> None:
    client.post("/language", data={"locale": "ru"})
    location = create(client, 5, filename="заметка.txt", purpose="scans",
                      round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    assert patch(client, location, 0, b"hello").status_code == 204
    verdict = client.get(f"/uploads/{location.rsplit('/', 1)[-1]}.json").get_json()
    assert verdict["state"] == "refused"
    assert verdict["result"]["message"] == (
        "Файл заметка.txt не является ни PDF, ни изображением (JPEG, PNG, TIFF)."
    )


def test_only_its_sender_sees_or_continues_an_upload(
    app: Flask, client: FlaskClient, sender: Any, users: Any, round_world: dict[str, Any]
) -> None:
    location = create(client, 10, filename="a.pdf", purpose="scans",
                      round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    other = app.test_client()
    login(other, users.make(Role.IT_SPECIALIST))
    g.pop("_login_user", None)
    assert head(other, location).status_code == 404
    g.pop("_login_user", None)
    assert patch(other, location, 0, b"x" * 10).status_code == 404
    g.pop("_login_user", None)
    assert other.get(f"/uploads/{location.rsplit('/', 1)[-1]}.json").status_code == 404
    g.pop("_login_user", None)
    assert head(client, location).headers["Upload-Offset"] == "0"


@pytest.mark.parametrize(
    ("role", "headers", "status"),
    [
        (Role.JUROR, {}, 403),  # a juror uploads no scans
        (Role.IT_SPECIALIST, {"Tus-Resumable": "0.2.2"}, 412),
        (Role.IT_SPECIALIST, {"Upload-Length": str(10**12)}, 413),
        (Role.IT_SPECIALIST, {"Upload-Length": "-5"}, 400),
        (Role.IT_SPECIALIST, {"Upload-Metadata": "purpose !!!"}, 422),
        (Role.IT_SPECIALIST, {"Upload-Metadata": metadata(purpose="scans", round_id="999")}, 422),
        (Role.IT_SPECIALIST, {"Upload-Metadata": metadata(purpose="elsewhere")}, 422),
    ],
)
def test_a_bad_creation_is_refused_before_a_byte_is_sent(
    client: FlaskClient, users: Any, round_world: dict[str, Any], role: Role,
    headers: dict[str, str], status: int,
) -> None:  # fmt: skip
    login(client, users.make(role))
    sent = {**TUS, "Upload-Length": "10",
            "Upload-Metadata": metadata(purpose="scans", round_id=str(round_world["round"].id)),
            **headers}  # fmt: skip
    answer = client.post("/uploads/tus/", headers=sent)
    assert answer.status_code == status
    assert db.session.execute(select(ResumableUpload)).first() is None


def test_a_chunk_larger_than_allowed_is_refused(
    client: FlaskClient, sender: Any, round_world: dict[str, Any]
) -> None:
    size = services.CHUNK_MAX + 1
    location = create(client, size, filename="a.pdf", purpose="scans",
                      round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    assert patch(client, location, 0, b"x" * size).status_code == 413
    assert head(client, location).headers["Upload-Offset"] == "0"


def test_a_cancelled_or_forgotten_upload_ends_and_its_bytes_go(
    app: Flask, client: FlaskClient, sender: Any, round_world: dict[str, Any]
) -> None:
    spool = spool_of(app)
    first = create(client, 50, filename="a.pdf", purpose="scans",
                   round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    second = create(client, 50, filename="b.pdf", purpose="scans",
                    round_id=str(round_world["round"].id)).headers["Location"]  # fmt: skip
    patch(client, first, 0, b"x" * 20)
    patch(client, second, 0, b"y" * 20)
    rows = {r.filename: r for r in db.session.execute(select(ResumableUpload)).scalars()}
    assert all(spool.path(r).stat().st_size == 20 for r in rows.values())

    assert client.delete(first, headers=TUS).status_code == 204
    assert not spool.path(rows["a.pdf"]).exists()
    # Gone, not in conflict: the client forgets it and starts a new upload of the file.
    assert head(client, first).status_code == 410
    assert patch(client, first, 20, b"x" * 30).status_code == 410
    assert not spool.path(rows["a.pdf"]).exists()  # a late chunk does not bring the bytes back

    assert services.expire(db.session, spool=spool) == 0  # b.pdf was touched just now
    later = rows["b.pdf"].expires_at + dt.timedelta(seconds=1)
    assert services.expire(db.session, spool=spool, now=later) == 1
    db.session.commit()
    assert not spool.path(rows["b.pdf"]).exists()
    assert head(client, second).status_code == 410
    assert patch(client, second, 20, b"y" * 30).status_code == 410
    actions = list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())
    assert [a for a in actions if a.startswith("uploads.")] == [
        "uploads.start", "uploads.start", "uploads.end", "uploads.expire",
    ]  # fmt: skip

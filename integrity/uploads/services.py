"""tus 1.0 as this server speaks it (https://tus.io/protocols/resumable-upload), and what it
does with a finished file.

- ``OPTIONS /uploads/tus/`` names the version, the extensions (creation, termination,
  expiration) and ``Tus-Max-Size`` (``MAX_UPLOAD_MB``).
- ``POST /uploads/tus/`` with ``Upload-Length`` and ``Upload-Metadata`` (``filename``,
  ``purpose``, and what the purpose asks for, such as ``round_id``) creates an upload and answers
  ``201`` with its ``Location``. The purpose checks who may send what, before a byte is sent.
- ``HEAD <location>`` answers ``Upload-Offset``: how many bytes the server has kept, where a
  resumed upload continues.
- ``PATCH <location>`` with ``Upload-Offset`` equal to the server's and a body of
  ``application/offset+octet-stream`` of at most ``CHUNK_MAX`` bytes appends it; a different
  offset is refused with ``409`` and the server's offset. Bytes of a body cut short are kept and
  count. So no request holds a web worker for more than one chunk's time.
- ``DELETE <location>`` ends an unfinished upload and deletes its bytes.
- When the last byte arrives a job hands the file to its purpose (for scans: store, seal and
  queue the reading). ``GET /uploads/<id>.json`` tells the sender what became of it.
- An upload not finished within ``EXPIRY`` after its last chunk ends, and its bytes go.

Only the user who created an upload can see or continue it: anyone else gets ``404``. Chunks are
transport, not facts, and leave no audit event; creating, ending and the purpose's verdict do.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from integrity.accounts.domain import Role
from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from integrity.settings import Settings
from integrity.uploads.models import ResumableUpload, UploadState

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
CHUNK_MAX = 8 * 1024 * 1024  # a chunk is one short request, even on a slow school connection
EXPIRY = dt.timedelta(hours=24)
UNFINISHED_PER_USER = 20  # uploads one user may have open at once: bytes on disk are bounded
READ_BLOCK = 64 * 1024


class Gone(NotFound):
    """An upload that ended (cancelled, expired) or failed: the sender starts a new one."""

    status = 410


class OffsetMismatch(Conflict):
    """A chunk for another offset than the server's (a retry of a chunk already kept)."""

    def __init__(self, offset: int) -> None:
        super().__init__(_l("The upload continues at byte %(offset)d.", offset=offset))
        self.offset = offset


@dataclass(frozen=True)
class Purpose:
    """What one kind of upload is for. ``target`` reads the sender's metadata into what the upload
    is for (raising a domain error if the sender may not); ``finish`` takes the whole file and
    returns what became of it, or raises a domain error to refuse it, before writing anything.
    Both get the settings their caller (a view, a job) passes in."""

    name: str
    roles: frozenset[Role]
    target: Callable[[AnySession, Mapping[str, str], Settings], dict[str, Any]]
    finish: Callable[[AnySession, Actor, ResumableUpload, Path, Settings], dict[str, Any]]


@dataclass(frozen=True)
class Spool:
    """The folder where unfinished uploads' bytes wait."""

    folder: Path

    def path(self, upload: ResumableUpload) -> Path:
        return self.folder / f"{upload.id}.part"

    def drop(self, upload: ResumableUpload) -> None:
        self.path(upload).unlink(missing_ok=True)


class Body(Protocol):
    """A request body: ``read`` returns what came, and raises OSError when the sender dropped."""

    def read(self, size: int = -1, /) -> bytes: ...


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (a value may be absent)."""
    import base64

    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        if not key or key in found or len(key) > 64:
            raise InvalidInput(_l("The upload's metadata is malformed."))
        try:
            found[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 inside
            raise InvalidInput(_l("The upload's metadata is malformed.")) from None
    return found


def _admitted(
    purposes: Mapping[str, Purpose],
    user_roles: frozenset[Role],
    metadata: Mapping[str, str],
    length: int,
    max_length: int,
) -> tuple[Purpose, str]:
    """The upload's purpose and file name, if this sender may send this many bytes for it."""
    purpose = purposes.get(metadata.get("purpose", ""))
    if purpose is None:
        raise InvalidInput(_l("The upload does not say what it is for."))
    if not purpose.roles & user_roles:
        raise Forbidden(_l("You may not upload this."))
    filename = Path(metadata.get("filename", "")).name[:300] or "upload"
    if length <= 0:
        raise InvalidInput(_l("%(file)s is empty.", file=filename), field="file", code="empty")
    if length > max_length:
        raise InvalidInput(
            _l("%(file)s is larger than %(mb)d MB.", file=filename, mb=max_length >> 20),
            field="file",
            code="too_large",
        )
    return purpose, filename


def start(
    session: AnySession,
    *,
    actor: Actor,
    user_roles: frozenset[Role],
    purposes: Mapping[str, Purpose],
    metadata: Mapping[str, str],
    length: int,
    spool: Spool,
    locale: str,
    settings: Settings,
) -> ResumableUpload:
    max_length = settings.max_upload_mb << 20
    purpose, filename = _admitted(purposes, user_roles, metadata, length, max_length)
    open_ones = session.scalar(
        select(func.count())
        .select_from(ResumableUpload)
        .where(
            ResumableUpload.created_by_id == actor.id,
            ResumableUpload.state == UploadState.RECEIVING.value,
        )
    )
    if (open_ones or 0) >= UNFINISHED_PER_USER:
        raise Conflict(_l("Finish or cancel your other uploads first."))
    target = purpose.target(session, metadata, settings)
    now = utcnow()
    upload = ResumableUpload(
        id=secrets.token_urlsafe(24),
        purpose=purpose.name,
        target=target,
        filename=filename,
        locale=locale,
        length=length,
        offset=0,
        state=UploadState.RECEIVING.value,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        expires_at=now + EXPIRY,
    )
    session.add(upload)
    session.flush()
    spool.folder.mkdir(parents=True, exist_ok=True)
    spool.path(upload).touch(mode=0o600)
    record_event(
        session, actor=actor, action="uploads.start", subject=f"resumable:{upload.id}",
        data={"purpose": purpose.name, "target": target, "file": filename, "length": length},
    )  # fmt: skip
    return upload


def find(session: AnySession, upload_id: str, *, user_id: int | None) -> ResumableUpload:
    """The caller's own upload; anyone else's is as if it did not exist."""
    upload = session.get(ResumableUpload, upload_id)
    if upload is None or user_id is None or upload.created_by_id != user_id:
        raise NotFound(_l("No such upload."))
    return upload


def _write_at(path: Path, offset: int, stream: Body, declared: int) -> int:
    """Write up to ``declared`` bytes of ``stream`` at ``offset`` and sync them; returns how many
    arrived (fewer when the connection dropped: the sender resumes after the last of them)."""
    received = 0
    try:  # never O_CREAT: a spool file dropped by a cancel or an expiry stays gone
        handle = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        raise Gone(_l("This upload has ended; send the file again.")) from None
    try:
        os.lseek(handle, offset, os.SEEK_SET)
        while received < declared:
            try:
                block = stream.read(min(READ_BLOCK, declared - received))
            except OSError:  # dropped (the web layer raises OSError): keep what came
                break
            if not block:
                break
            os.write(handle, block)
            received += len(block)
        os.fsync(handle)  # the offset recorded next must never count bytes a crash could lose
    finally:
        os.close(handle)
    return received


def append(
    session: AnySession,
    upload: ResumableUpload,
    *,
    offset: int,
    stream: Body,
    declared: int | None,
    spool: Spool,
) -> int:
    """Write one chunk at ``offset`` and return the new offset. Bytes of a body cut short are
    kept: the sender resumes after the last of them."""
    if upload.state in (UploadState.ENDED.value, UploadState.FAILED.value):
        raise Gone(_l("This upload has ended; send the file again."))
    if upload.state != UploadState.RECEIVING.value:
        raise OffsetMismatch(upload.offset)
    if offset != upload.offset:
        raise OffsetMismatch(upload.offset)
    if declared is None or declared > CHUNK_MAX:
        raise InvalidInput(
            _l("Send the file in chunks of at most %(mb)d MB.", mb=CHUNK_MAX >> 20), code="chunk"
        )
    if offset + declared > upload.length:
        raise InvalidInput(_l("The chunk goes past the end of the file."), code="past_end")
    received = _write_at(spool.path(upload), offset, stream, declared)
    moved = session.execute(
        update(ResumableUpload)
        .where(
            ResumableUpload.id == upload.id,
            ResumableUpload.offset == offset,
            ResumableUpload.state == UploadState.RECEIVING.value,
        )
        .values(offset=offset + received, updated_at=utcnow(), expires_at=utcnow() + EXPIRY)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        session.refresh(upload)  # another request for the same chunk won: its bytes are these
        if upload.state in (UploadState.ENDED.value, UploadState.FAILED.value):
            raise Gone(_l("This upload has ended; send the file again."))
        raise OffsetMismatch(upload.offset)
    session.refresh(upload)
    if upload.offset == upload.length:
        upload.state = UploadState.FINISHING.value
        session.flush()
    return upload.offset


def finish(
    session: AnySession,
    upload_id: str,
    *,
    actor: Actor,
    purposes: Mapping[str, Purpose],
    spool: Spool,
    settings: Settings,
) -> ResumableUpload:
    """Hand a complete file to its purpose (in a job); its bytes go either way."""
    upload = session.get(ResumableUpload, upload_id)
    if upload is None:
        raise NotFound(_l("No such upload."))
    if upload.state != UploadState.FINISHING.value:
        return upload
    purpose = purposes[upload.purpose]
    try:
        # No savepoint around it: on SQLite a transaction that read before others committed may
        # not write (seen: "database is locked" while a 142 MB scan was hashed). A purpose refuses,
        # if it does, before it writes.
        result = purpose.finish(session, actor, upload, spool.path(upload), settings)
    except DomainError as exc:
        upload.state = UploadState.REFUSED.value
        with force_locale(upload.locale):  # the sender reads it
            upload.result = {"message": str(exc.message), **_jsonable(exc.details)}
    else:
        upload.state, upload.result = UploadState.DONE.value, result
    upload.updated_at = utcnow()
    session.flush()
    spool.drop(upload)
    record_event(
        session, actor=actor, action=f"uploads.{upload.state}", subject=f"resumable:{upload.id}",
        data={"purpose": upload.purpose, "result": upload.result},
    )  # fmt: skip
    return upload


def _jsonable(details: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if isinstance(v, str | int | float | bool)}


def end(session: AnySession, upload: ResumableUpload, *, actor: Actor, spool: Spool) -> None:
    """Cancel an unfinished upload (tus termination)."""
    if upload.state != UploadState.RECEIVING.value:
        raise Conflict(_l("This upload has already arrived; it can no longer be cancelled."))
    upload.state, upload.updated_at = UploadState.ENDED.value, utcnow()
    session.flush()
    spool.drop(upload)
    record_event(session, actor=actor, action="uploads.end", subject=f"resumable:{upload.id}",
                 data={"offset": upload.offset, "length": upload.length})  # fmt: skip


def give_up(session: AnySession, upload_id: str, *, actor: Actor, error: str, spool: Spool) -> None:
    upload = session.get(ResumableUpload, upload_id)
    if upload is None or upload.state != UploadState.FINISHING.value:
        return
    upload.state, upload.error, upload.updated_at = UploadState.FAILED.value, error[:500], utcnow()
    session.flush()
    spool.drop(upload)
    record_event(session, actor=actor, action="uploads.failed", subject=f"resumable:{upload.id}",
                 data={"error": upload.error})  # fmt: skip


def expire(session: AnySession, *, spool: Spool, now: dt.datetime | None = None) -> int:
    """End the uploads whose sender stopped sending long ago, and delete their bytes."""
    moment = now or utcnow()
    stale = session.execute(
        select(ResumableUpload).where(
            ResumableUpload.state == UploadState.RECEIVING.value,
            ResumableUpload.expires_at < moment,
        )
    ).scalars()
    count = 0
    for upload in stale:
        upload.state, upload.updated_at = UploadState.ENDED.value, moment
        spool.drop(upload)
        record_event(session, actor=Actor(None, "system"), action="uploads.expire",
                     subject=f"resumable:{upload.id}",
                     data={"offset": upload.offset, "length": upload.length})  # fmt: skip
        count += 1
    session.flush()
    return count

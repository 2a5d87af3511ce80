"""Ingest: store an upload, then read it page by page and give every booklet's work a fresh cipher.

Processing is resumable: each page's rows are written in the caller's transaction and the
caller's ``checkpoint`` (a commit, from the job or the command) runs every few pages; a run that
dies restarts at the first page without rows, so no page is lost or written twice.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import InvalidInput, NotFound
from integrity.registry.models import Round
from integrity.scans import reader
from integrity.scans.codes import CodeType, new_cipher
from integrity.scans.ledger import page_hash
from integrity.scans.models import (
    Booklet,
    BookletKind,
    BookletStatus,
    PageStatus,
    ScanPage,
    ScanRound,
    Upload,
    UploadStatus,
    Work,
)
from integrity.scans.services.common import ensure_open, serial_tag, store_private
from integrity.storage import file_store
from integrity.vault import domain as vault_crypto
from integrity.vault.models import VaultKey
from integrity.vault.services import seal_link, server_key, vault_for_round
from integrity.vault.streams import decrypt_stream, encrypt_stream

CHECKPOINT_EVERY = 25
QUEUE_IMAGE = "queue-image"

FILE_PROBLEMS = {
    "empty": _l("%(file)s is empty."),
    "not_a_scan": _l("%(file)s is neither a PDF nor an image (JPEG, PNG, TIFF)."),
    "broken_pdf": _l("%(file)s is a damaged PDF that cannot be opened."),
    "encrypted_pdf": _l("%(file)s is a password-protected PDF; scan again without a password."),
    "too_large": _l("%(file)s is far larger than a scanned page could be, and was refused."),
}


def _upload_aad(sha256: str) -> bytes:
    return f"upload:{sha256}".encode()


def _scratch() -> Path:
    folder = Path(current_app.config["INTEGRITY"]["DATA_DIR"]) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _spool(stream: IO[bytes], path: Path) -> tuple[str, int]:
    """Copy an incoming file to disk while hashing it, without holding it in memory."""
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    return digest.hexdigest(), size


def refusal(code: str, filename: str) -> InvalidInput:
    return InvalidInput(
        FILE_PROBLEMS[code] % {"file": filename}, field="file", code=code, file=filename
    )


def create_upload(
    session: AnySession, *, actor: Actor, round_: Round, stream: IO[bytes], filename: str
) -> tuple[Upload, bool]:
    """Check and store an uploaded file (encrypted) before any processing; the same file twice is
    the same upload. Returns the upload and whether it is new."""
    ensure_open(session, round_)
    vault = vault_for_round(session, round_)
    filename = Path(filename).name[:300] or "upload"
    with tempfile.NamedTemporaryFile(dir=_scratch(), prefix="upload-", delete=False) as plain:
        plain_path = Path(plain.name)
    try:
        sha256, size = _spool(stream, plain_path)
        try:
            source = reader.open_source(plain_path)
            pages = source.pages
            kind = source.kind
            source.close()
        except reader.UnreadableFile as exc:
            raise refusal(exc.code, filename) from None
        existing = session.execute(
            select(Upload).where(Upload.round_id == round_.id, Upload.sha256 == sha256)
        ).scalar_one_or_none()
        if existing is not None:
            return existing, False
        key = os.urandom(32)
        with plain_path.open("rb") as source_file, tempfile.TemporaryFile(dir=_scratch()) as sealed:
            encrypt_stream(key, source_file, sealed, _upload_aad(sha256))
            sealed.seek(0)
            stored_sha, _ = file_store().put_stream(sealed)
    finally:
        plain_path.unlink(missing_ok=True)
    upload = Upload(
        round_id=round_.id,
        sha256=sha256,
        filename=filename,
        size=size,
        kind=kind,
        stored_sha256=stored_sha,
        key_server=vault_crypto.encrypt_blob(server_key("upload"), key, _upload_aad(sha256)),
        key_sealed=vault_crypto.seal(vault.public_key, key, _upload_aad(sha256)),
        pages_total=pages,
        created_by_id=actor.id,
    )
    session.add(upload)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.upload",
        subject=f"upload:{upload.id}",
        data={
            "round_id": round_.id,
            "file": filename,
            "sha256": sha256,
            "size": size,
            "pages": pages,
        },
    )
    return upload, True


@dataclass
class PageLine:
    """One line of an ingest report. It may show a sheet serial, never a cipher."""

    file: str
    index: int
    status: str
    serial: int | None = None
    page: int | None = None
    detail: str | None = None


@dataclass
class IngestReport:
    upload_id: int
    file: str
    lines: list[PageLine] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return dict(Counter(line.status for line in self.lines))


class _Ingest:
    """The database side of reading one upload."""

    def __init__(
        self, session: AnySession, upload: Upload, round_: Round, state: ScanRound, vault: VaultKey
    ) -> None:
        self.session, self.upload, self.round, self.state, self.vault = (
            session,
            upload,
            round_,
            state,
            vault,
        )
        self.booklets: dict[int, Booklet] = {}

    def booklet(self, serial: int) -> Booklet | None:
        if serial not in self.booklets:
            found = self.session.execute(
                select(Booklet).where(Booklet.serial == serial)
            ).scalar_one_or_none()
            if found is None:
                return None
            self.booklets[serial] = found
        return self.booklets[serial]

    def work_for(self, booklet: Booklet) -> Work:
        tag = serial_tag(self.state, booklet.serial)
        work = self.session.execute(
            select(Work).where(Work.round_id == self.round.id, Work.serial_tag == tag)
        ).scalar_one_or_none()
        if work is not None:
            return work
        while True:
            cipher = new_cipher()
            if not self.session.scalar(
                select(func.count()).select_from(Work).where(Work.cipher == cipher)
            ):
                break
        work = Work(
            round_id=self.round.id,
            cipher=cipher,
            serial_tag=tag,
            expected_pages=booklet.answer_pages,
        )
        self.session.add(work)
        self.session.flush()
        assert booklet.entry_id is not None
        seal_link(
            self.session,
            vault=self.vault,
            round_id=self.round.id,
            entry_id=booklet.entry_id,
            serial=booklet.serial,
            cipher=cipher,
        )
        booklet.has_work = True
        return work

    def page_taken(self, work: Work, page_no: int) -> bool:
        return bool(
            self.session.scalar(
                select(func.count())
                .select_from(ScanPage)
                .where(
                    ScanPage.work_id == work.id,
                    ScanPage.page_no == page_no,
                    ScanPage.status.in_([PageStatus.ANSWER, PageStatus.EXTRA]),
                )
            )
        )

    def store(self, result: reader.PageResult) -> PageLine:
        line = PageLine(self.upload.filename, result.index, PageStatus.UNREADABLE.value)
        page = ScanPage(
            upload_id=self.upload.id, index=result.index, rotation=round(result.rotation)
        )
        self.classify(page, result, line)
        line.status = page.status.value
        line.detail = page.detail
        self.session.add(page)
        return line

    def classify(self, page: ScanPage, result: reader.PageResult, line: PageLine) -> None:
        payload = result.payload
        if payload is None:
            assert result.raw_jpeg is not None
            page.status, page.detail = PageStatus.UNREADABLE, result.problem
            page.image_sha256 = store_private(result.raw_jpeg, QUEUE_IMAGE)
            return
        line.serial, line.page = payload.serial, payload.page
        booklet = self.booklet(payload.serial)
        foreign = None
        if payload.round_code != self.round.id:
            foreign = f"round {payload.round_code}"
        elif booklet is None or booklet.round_id != self.round.id:
            foreign = "unknown serial"
        elif booklet.status is BookletStatus.VOIDED:
            foreign = "voided serial"
        elif (payload.code_type is CodeType.EXTRA) != (booklet.kind is BookletKind.EXTRA):
            foreign = "wrong code type"
        if foreign is not None or booklet is None:
            page.status, page.detail, page.serial, page.page_no = (
                PageStatus.FOREIGN,
                foreign,
                payload.serial,
                payload.page,
            )
            page.masked_sha256 = self._masked(result)
            return
        if payload.code_type is CodeType.COVER:
            if booklet.cover_seen:
                page.status, page.serial, page.page_no = PageStatus.DUPLICATE, payload.serial, 0
                return
            assert result.cover_jpeg is not None
            key = os.urandom(32)
            context = f"cover:round:{self.round.id}".encode()
            page.image_sha256 = file_store().put_bytes(
                vault_crypto.encrypt_blob(key, result.cover_jpeg, context)
            )
            page.image_key_sealed = vault_crypto.seal(self.vault.public_key, key, context)
            page.status = PageStatus.COVER
            booklet.cover_seen = True
            return
        if payload.code_type is CodeType.EXTRA:
            if self.session.scalar(
                select(func.count())
                .select_from(ScanPage)
                .where(ScanPage.serial == payload.serial, ScanPage.status == PageStatus.EXTRA)
            ):
                page.status, page.serial, page.page_no = (
                    PageStatus.DUPLICATE,
                    payload.serial,
                    payload.page,
                )
            else:
                page.status, page.serial, page.page_no = PageStatus.EXTRA, payload.serial, None
            page.masked_sha256 = self._masked(result)
            if result.raw_jpeg is not None:
                page.image_sha256 = store_private(result.raw_jpeg, QUEUE_IMAGE)
            return
        if payload.page > booklet.answer_pages:
            page.status, page.detail = PageStatus.UNREADABLE, "page out of range"
            page.serial, page.page_no = payload.serial, payload.page
            page.masked_sha256 = self._masked(result)
            return
        work = self.work_for(booklet)
        if self.page_taken(work, payload.page):
            page.status, page.serial, page.page_no = (
                PageStatus.DUPLICATE,
                payload.serial,
                payload.page,
            )
            page.masked_sha256 = self._masked(result)
            return
        masked = self._masked(result)
        page.status, page.work_id, page.page_no, page.masked_sha256 = (
            PageStatus.ANSWER,
            work.id,
            payload.page,
            masked,
        )
        page.page_hash = page_hash(work.cipher, payload.page, masked)

    @staticmethod
    def _masked(result: reader.PageResult) -> str:
        assert result.masked_jpeg is not None
        return file_store().put_bytes(result.masked_jpeg)


def _decrypted_copy(upload: Upload) -> Path:
    if upload.key_server is None:
        raise InvalidInput(
            _l("This upload's round is frozen; its original can be opened only through the vault.")
        )
    key = vault_crypto.decrypt_blob(
        server_key("upload"), upload.key_server, _upload_aad(upload.sha256)
    )
    handle, name = tempfile.mkstemp(dir=_scratch(), prefix="ingest-")
    with (
        os.fdopen(handle, "wb") as plain,
        file_store().path(upload.stored_sha256).open("rb") as sealed,
    ):
        decrypt_stream(key, sealed, plain, _upload_aad(upload.sha256))
    return Path(name)


def _results(path: Path, indices: list[int], workers: int) -> Iterator[reader.PageResult]:
    """Page results in order. With several workers, pages are read in other processes, at most a
    few pages ahead, so memory stays flat however long the file."""
    if workers <= 1 or len(indices) < 8:
        with reader.open_source(path) as source:
            for index in indices:
                yield reader.read_page(source, index)
        return
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=reader.worker_open,
        initargs=(str(path),),
    ) as pool:
        window = workers * 4
        pending: list[concurrent.futures.Future[reader.PageResult]] = []
        queue = iter(indices)
        for index in queue:
            pending.append(pool.submit(reader.worker_read, index))
            if len(pending) >= window:
                break
        while pending:
            result = pending.pop(0).result()
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(reader.worker_read, following))
            yield result


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def process_upload(
    session: AnySession,
    upload_id: int,
    *,
    actor: Actor,
    checkpoint: Callable[[], None] = lambda: None,
    workers: int | None = None,
) -> IngestReport:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise NotFound(_l("No such upload."))
    report = IngestReport(upload.id, upload.filename)
    round_ = session.get(Round, upload.round_id)
    assert round_ is not None
    state = ensure_open(session, round_)
    vault = vault_for_round(session, round_)
    done = set(
        session.execute(select(ScanPage.index).where(ScanPage.upload_id == upload.id)).scalars()
    )
    if upload.status == UploadStatus.DONE.value:
        return _report_from_rows(session, upload, report)
    path = _decrypted_copy(upload)
    try:
        upload.status = UploadStatus.PROCESSING.value
        upload.pages_done = len(done)
        checkpoint()
        ingest = _Ingest(session, upload, round_, state, vault)
        todo = [i for i in range(upload.pages_total or 0) if i not in done]
        for count, result in enumerate(_results(path, todo, workers or default_workers()), start=1):
            report.lines.append(ingest.store(result))
            upload.pages_done += 1
            if count % CHECKPOINT_EVERY == 0:
                session.flush()
                checkpoint()
    finally:
        path.unlink(missing_ok=True)
    upload.status = UploadStatus.DONE.value
    upload.finished_at = utcnow()
    session.flush()
    full = _report_from_rows(
        session, upload, IngestReport(upload.id, upload.filename), known=report.lines
    )
    record_event(
        session,
        actor=actor,
        action="scans.ingest",
        subject=f"upload:{upload.id}",
        data={"round_id": round_.id, "pages": len(full.lines), "totals": full.totals()},
    )
    return full


def _report_from_rows(
    session: AnySession, upload: Upload, report: IngestReport, known: list[PageLine] | None = None
) -> IngestReport:
    """Rows are the truth (pages done by an earlier, interrupted run included); what this run read
    adds the serial and page number, which the rows of work pages deliberately do not keep."""
    by_index = {line.index: line for line in known or []}
    for page in session.execute(
        select(ScanPage).where(ScanPage.upload_id == upload.id).order_by(ScanPage.index)
    ).scalars():
        line = by_index.get(page.index) or PageLine(
            upload.filename, page.index, page.status.value, page.serial, page.page_no, page.detail
        )
        line.status = page.status.value
        report.lines.append(line)
    return report


def mark_failed(session: AnySession, upload_id: int, *, actor: Actor, error: str) -> None:
    """An upload whose processing gave up; the pages already read stay, and a retry resumes."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.status == UploadStatus.DONE.value:
        return
    upload.status = UploadStatus.FAILED.value
    upload.error = error[:500]
    upload.finished_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.ingest_failed",
        subject=f"upload:{upload.id}",
        data={"pages_done": upload.pages_done, "error": upload.error},
    )

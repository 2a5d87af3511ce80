"""Ingest: store an upload, then read it page by page and give every booklet's work a fresh cipher.

Processing is resumable: each page's rows are written in the caller's transaction and the
caller's ``checkpoint`` (a commit, from the job or the command) runs every few pages; a run that
dies restarts at the first page without rows, so no page is lost or written twice.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import itertools
import multiprocessing
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.audit.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import InvalidInput, NotFound
from integrity.registry.models import Entry, Round
from integrity.scans import isolation
from integrity.scans.domain import pagestore, reader
from integrity.scans.domain.codes import CodeType, new_cipher
from integrity.scans.domain.ledger import page_hash
from integrity.scans.domain.pagestore import (
    QUEUE_IMAGE,
    REOPEN_EVERY,
    StoredPage,
    StoreKeys,
    store_result,
)
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
from integrity.scans.services.common import (
    appeal_tag,
    ensure_open,
    index_key,
    round_pages,
    serial_tag,
)
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of
from integrity.storage import file_store
from integrity.vault import domain as vault_crypto
from integrity.vault.domain.streams import CHUNK, StreamEncryptor, decrypt_stream
from integrity.vault.models import VaultKey
from integrity.vault.services import seal_link, server_key, vault_for_round

CHECKPOINT_EVERY = 100
# Chunks of an incoming file being kept and sealed at once (a MiB each, a side).
CHUNKS_IN_FLIGHT = 4
# Pages a worker process reads per task, as the benchmark's floor does (pool.map, chunksize 4).
TASK_PAGES = 4
# A task of TASK_PAGES pages takes well under a second a page; one that runs this long is a
# decoder that will not return (a crafted page), and the file is unreadable.
TASK_SECONDS = 120.0

FILE_PROBLEMS = {
    "empty": _l("%(file)s is empty."),
    "not_a_scan": _l("%(file)s is neither a PDF nor an image (JPEG, PNG, TIFF)."),
    "broken_pdf": _l("%(file)s is a damaged PDF that cannot be opened."),
    "encrypted_pdf": _l("%(file)s is a password-protected PDF; scan again without a password."),
    "too_large": _l("%(file)s is far larger than a scanned page could be, and was refused."),
    isolation.READER_FAILED: _l(
        "%(file)s could not be read: the reader stopped on it (it crashed or ran out of time). "
        "Export or scan it again as a PDF."
    ),
}


def _upload_aad(sha256: str) -> bytes:
    """Binds an upload's key (wrapped for the server and sealed to the vault) to its file."""
    return f"upload:{sha256}".encode()


# The stored original's own associated data. Every upload has its own random key, which is what
# ties the ciphertext to its upload; a fixed label lets the file be encrypted while it arrives,
# before its hash is known.
ORIGINAL_AAD = b"upload:original"


def _scratch() -> Path:
    folder = Path(settings_of(current_app).data_dir) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _spool_and_seal(stream: IO[bytes], path: Path, key: bytes, sink: IO[bytes]) -> tuple[str, int]:
    """One pass over an incoming file, never all of it in memory: a plain copy at ``path``
    (hashed) for the reading to come, and the encrypted original into ``sink`` (which hashes it).
    Reading, keeping the plain copy, and encrypting and writing the sealed one run on three
    threads a few chunks apart; hashing, AES-GCM and writing release the GIL, so the work spreads
    over the cores. (Encrypting on the reading thread, in lockstep, kept a 909 MB upload at 1.7 to
    2 s; this way it takes 1.2 to 1.4.)"""
    digest = hashlib.sha256()
    size = 0
    encryptor = StreamEncryptor(key, ORIGINAL_AAD)
    with (
        path.open("wb") as out,
        concurrent.futures.ThreadPoolExecutor(1) as plain_side,
        concurrent.futures.ThreadPoolExecutor(1) as sealed_side,  # one thread: chunks stay in order
    ):

        def keep(block: bytes) -> None:
            digest.update(block)
            out.write(block)

        def seal(block: bytes, last: bool) -> None:
            sink.write(encryptor.chunk(block, last=last))

        sink.write(encryptor.header())
        in_flight: deque[tuple[concurrent.futures.Future[None], ...]] = deque()
        block = stream.read(CHUNK)
        while True:
            following = stream.read(CHUNK)  # read ahead: the last chunk is marked as such
            last = not following
            in_flight.append(
                (plain_side.submit(keep, block), sealed_side.submit(seal, block, last))
            )
            size += len(block)
            while in_flight and (last or len(in_flight) > CHUNKS_IN_FLIGHT):
                for future in in_flight.popleft():
                    future.result()
            if last:
                return digest.hexdigest(), size
            block = following


class _Known(Exception):
    def __init__(self, upload: Upload) -> None:
        self.upload = upload


def refusal(code: str, filename: str) -> InvalidInput:
    return InvalidInput(
        FILE_PROBLEMS[code] % {"file": filename}, field="file", code=code, file=filename
    )


def _plain_copy(sha256: str) -> Path:
    """The upload as received, kept on disk only until it has been read (then deleted)."""
    return _scratch() / f"plain-{sha256}.bin"


def create_upload(
    session: AnySession, *, actor: Actor, round_: Round, stream: IO[bytes], filename: str
) -> tuple[Upload, bool]:
    """Check and store an uploaded file (encrypted) before any processing; the same file twice is
    the same upload. Returns the upload and whether it is new."""
    ensure_open(session, round_)
    vault = vault_for_round(session, round_)
    filename = Path(filename).name[:300] or "upload"
    handle, name = tempfile.mkstemp(dir=_scratch(), prefix="upload-")
    os.close(handle)
    spool = Path(name)
    key = os.urandom(32)
    read: dict[str, Any] = {}

    def store(sink: Any) -> None:
        # Checked before the encrypted copy is kept: a refused or known file leaves nothing.
        read["sha256"], read["size"] = _spool_and_seal(stream, spool, key, sink)
        try:
            read["pages"], read["kind"] = isolation.probe(spool)
        except reader.UnreadableFile as exc:
            raise refusal(exc.code, filename) from None
        existing = session.execute(
            select(Upload).where(Upload.round_id == round_.id, Upload.sha256 == read["sha256"])
        ).scalar_one_or_none()
        if existing is not None:
            raise _Known(existing)

    try:
        stored_sha, _ = file_store(settings_of(current_app)).put_written(store)
        sha256, size, pages, kind = read["sha256"], read["size"], read["pages"], read["kind"]
        os.replace(spool, _plain_copy(sha256))  # read from here next, sparing a decryption
    except _Known as known:
        return known.upload, False
    finally:
        spool.unlink(missing_ok=True)
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
    """The database side of reading one round's pages. It keeps what it looks up in memory (the
    round's booklets, its works by blind index, the pages already taken), so a page costs a few
    row inserts and nothing else."""

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
        assert state.index_key_wrapped is not None
        self.index_key = index_key(state)
        # With each entry and participant: a new work needs the grade, and a lazy load per work
        # (each flushing the pages pending before it) cost the ingest a millisecond a page.
        self.booklets = {
            b.serial: b
            for b in session.execute(
                select(Booklet)
                .where(Booklet.round_id == round_.id)
                .options(selectinload(Booklet.entry).selectinload(Entry.participant))
            ).scalars()
        }
        self.works = {
            w.serial_tag: w
            for w in session.execute(select(Work).where(Work.round_id == round_.id)).scalars()
            if w.serial_tag
        }
        taken = session.execute(
            round_pages(round_.id).where(ScanPage.status.in_([PageStatus.ANSWER, PageStatus.EXTRA]))
        ).scalars()
        # Pages taken, by (cipher, page): new works have no id until the next checkpoint's flush.
        self.taken: set[tuple[str, int]] = set()
        self.extras_seen: set[int] = set()
        ciphers = {w.id: w.cipher for w in self.works.values()}
        for page in taken:
            if page.work_id is not None and page.page_no is not None and page.work_id in ciphers:
                self.taken.add((ciphers[page.work_id], page.page_no))
            if page.status is PageStatus.EXTRA and page.serial is not None:
                self.extras_seen.add(page.serial)

    ciphers: set[str] | None = None  # every cipher in use, loaded when the first work is made

    def keys(self) -> StoreKeys:
        return StoreKeys(
            root=str(file_store(settings_of(current_app)).root),
            queue_key=server_key(QUEUE_IMAGE),
            vault_public=self.vault.public_key,
            round_id=self.round.id,
        )

    def booklet(self, serial: int) -> Booklet | None:
        found = self.booklets.get(serial)
        if found is None:
            # A serial of another round: looked up only to say so.
            found = self.session.execute(
                select(Booklet).where(Booklet.serial == serial)
            ).scalar_one_or_none()
        return found

    def work_for(self, booklet: Booklet) -> Work:
        tag = serial_tag(self.index_key, booklet.serial)
        work = self.works.get(tag)
        if work is not None:
            return work
        if self.ciphers is None:
            self.ciphers = set(self.session.execute(select(Work.cipher)).scalars())
        cipher = new_cipher()
        while cipher in self.ciphers:
            cipher = new_cipher()
        self.ciphers.add(cipher)
        # No flush here: the checkpoint writes new works with their pages (flushing per work cost
        # more than reading the page), and Work.cipher's unique index stays the last word.
        assert booklet.entry is not None
        work = Work(
            round_id=self.round.id,
            cipher=cipher,
            serial_tag=tag,
            expected_pages=booklet.answer_pages,
            grade=booklet.entry.participant.grade,
            appeal_tag=appeal_tag(access_code_of(booklet)) if booklet.access_code_enc else None,
        )
        self.session.add(work)
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
        self.works[tag] = work
        return work

    def store(self, stored: StoredPage) -> PageLine:
        line = PageLine(self.upload.filename, stored.index, PageStatus.UNREADABLE.value)
        page = ScanPage(
            upload_id=self.upload.id, index=stored.index, rotation=round(stored.rotation, 1)
        )
        self.classify(page, stored, line)
        line.status = page.status.value
        line.detail = page.detail
        self.session.add(page)
        return line

    def classify(self, page: ScanPage, stored: StoredPage, line: PageLine) -> None:
        payload = stored.payload
        if payload is None:
            page.status, page.detail, page.image_sha256 = (
                PageStatus.UNREADABLE,
                stored.problem,
                stored.queue_sha256,
            )
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
            page.masked_sha256 = stored.masked_sha256
            return
        if payload.code_type is CodeType.COVER:
            if booklet.cover_seen:
                page.status, page.serial, page.page_no = PageStatus.DUPLICATE, payload.serial, 0
                page.detail = "cover again"  # no image: a cover is shown to nobody
                return
            page.status = PageStatus.COVER
            page.image_sha256, page.image_key_sealed = stored.cover_sha256, stored.cover_key_sealed
            booklet.cover_seen = True
            return
        if payload.code_type is CodeType.EXTRA:
            duplicate = payload.serial in self.extras_seen
            page.status = PageStatus.DUPLICATE if duplicate else PageStatus.EXTRA
            page.serial, page.page_no = payload.serial, payload.page if duplicate else None
            page.masked_sha256, page.image_sha256 = stored.masked_sha256, stored.queue_sha256
            self.extras_seen.add(payload.serial)
            return
        if payload.page > booklet.answer_pages:
            page.status, page.detail = PageStatus.UNREADABLE, "page out of range"
            page.serial, page.page_no, page.masked_sha256 = (
                payload.serial,
                payload.page,
                stored.masked_sha256,
            )
            return
        work = self.work_for(booklet)
        if (work.cipher, payload.page) in self.taken:
            page.status, page.serial, page.page_no = (
                PageStatus.DUPLICATE,
                payload.serial,
                payload.page,
            )
            page.masked_sha256 = stored.masked_sha256
            return
        assert stored.masked_sha256 is not None
        self.taken.add((work.cipher, payload.page))
        page.status, page.work, page.page_no = PageStatus.ANSWER, work, payload.page
        page.masked_sha256 = stored.masked_sha256
        page.page_hash = page_hash(work.cipher, payload.page, stored.masked_sha256)


def _decrypted_copy(upload: Upload) -> Path:
    if upload.key_server is None:
        raise InvalidInput(
            _l("This upload's round is frozen; its original can be opened only through the vault.")
        )
    key = vault_crypto.decrypt_blob(
        server_key("upload"), upload.key_server, _upload_aad(upload.sha256)
    )
    handle, name = tempfile.mkstemp(dir=_scratch(), prefix="ingest-")
    try:
        with (
            os.fdopen(handle, "wb") as plain,
            file_store(settings_of(current_app)).path(upload.stored_sha256).open("rb") as sealed,
        ):
            decrypt_stream(key, sealed, plain, ORIGINAL_AAD)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _results(path: Path, indices: list[int], workers: int, keys: StoreKeys) -> Iterator[StoredPage]:
    """Stored pages in order, read and stored in ``workers`` child processes (see ``isolation``),
    a few pages a task and a few tasks ahead, so memory stays flat however long the file. A child
    that dies (a decoder's crash, the memory cap) makes the file unreadable, not the job's process.
    ``workers=0`` reads in this process: only for files this program made itself (tests, demo)."""
    if workers <= 0:
        pages = reader.reopening(path, REOPEN_EVERY)
        for index in indices:
            _, source = next(pages)
            yield store_result(reader.read_page(source, index), keys)
        pages.close()
        return
    context = multiprocessing.get_context("spawn")
    tasks = iter([indices[i : i + TASK_PAGES] for i in range(0, len(indices), TASK_PAGES)])
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=pagestore.worker_open,
        initargs=(str(path), keys, os.getpid()),
    ) as pool:
        pending = deque(
            pool.submit(pagestore.worker_read_all, task)
            for task in itertools.islice(tasks, workers * 2)
        )
        ahead: deque[StoredPage] = deque()
        try:
            while pending or ahead:
                if not ahead:
                    try:
                        ahead.extend(pending.popleft().result(timeout=TASK_SECONDS))
                    except (BrokenProcessPool, concurrent.futures.TimeoutError):
                        for process in list(getattr(pool, "_processes", {}).values()):
                            process.kill()  # a reader stuck in a decoder never returns by itself
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise reader.UnreadableFile(
                            isolation.READER_FAILED, "a reader died or ran out of time"
                        ) from None
                    following = next(tasks, None)
                    if following is not None:
                        pending.append(pool.submit(pagestore.worker_read_all, following))
                yield ahead.popleft()
        except GeneratorExit:
            # The caller stopped (a job stopping at a checkpoint): pages read ahead were stored
            # by the workers but will never be recorded. Their encrypted copies are unique to
            # this read, so they go; the plain copies are content-addressed and come back as is.
            pool.shutdown(wait=True, cancel_futures=True)
            for future in pending:
                if not future.cancelled() and future.exception() is None:
                    ahead.extend(future.result())
            pagestore.discard_unrecorded(ahead, keys)
            raise


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
    kept = _plain_copy(upload.sha256)
    path = kept if kept.exists() and kept.stat().st_size == upload.size else _decrypted_copy(upload)
    try:
        upload.status = UploadStatus.PROCESSING.value
        upload.pages_done = len(done)
        checkpoint()
        ingest = _Ingest(session, upload, round_, state, vault)
        todo = [i for i in range(upload.pages_total or 0) if i not in done]
        for count, result in enumerate(
            _results(path, todo, default_workers() if workers is None else workers, ingest.keys()),
            start=1,
        ):
            report.lines.append(ingest.store(result))
            upload.pages_done += 1
            if count % CHECKPOINT_EVERY == 0:
                session.flush()
                checkpoint()
    except reader.UnreadableFile as exc:
        if path != kept:
            path.unlink(missing_ok=True)
        raise refusal(exc.code, upload.filename) from None
    except BaseException:
        if path != kept:
            path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    kept.unlink(missing_ok=True)
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
    if upload is None or upload.status in (UploadStatus.DONE.value, UploadStatus.FAILED.value):
        return  # read, or its failure already recorded (by the command, or the job's try)
    upload.status = UploadStatus.FAILED.value
    upload.error = error[:500]
    _plain_copy(upload.sha256).unlink(missing_ok=True)  # a retry decrypts the stored original
    upload.finished_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.ingest_failed",
        subject=f"upload:{upload.id}",
        data={"pages_done": upload.pages_done, "error": upload.error},
    )

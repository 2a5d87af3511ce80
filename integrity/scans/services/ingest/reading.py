"""Reading an upload page by page, in worker processes, into rows.

Processing is resumable: each page's rows are written in the caller's transaction and the
caller's ``checkpoint`` (a commit, from the job or the command) runs every few pages; a run that
dies restarts at the first page without rows, so no page is lost or written twice.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import NotFound
from integrity.registry.models import Round
from integrity.scans import isolation
from integrity.scans.domain import pagestore, reader
from integrity.scans.domain.pagestore import REOPEN_EVERY, StoredPage, StoreKeys, store_result
from integrity.scans.models import ScanPage, Upload, UploadStatus
from integrity.scans.services.common import ensure_open
from integrity.scans.services.ingest.pages import IngestReport, PageIngest, PageLine
from integrity.scans.services.ingest.storing import decrypted_copy, plain_copy, refusal
from integrity.settings import Settings
from integrity.vault.services import vault_for_round

CHECKPOINT_EVERY = 100
# ...and at least this often, so the upload's bar and the round's page totals move as pages are
# read (a checkpoint commits what was read: a second's worth of pages costs one commit).
CHECKPOINT_SECONDS = 2.0
# Pages a worker process reads per task, as the benchmark's floor does (pool.map, chunksize 4).
TASK_PAGES = 4
# A task of TASK_PAGES pages takes well under a second a page; one that runs this long is a
# decoder that will not return (a crafted page), and the file is unreadable.
TASK_SECONDS = 120.0


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
    settings: Settings,
) -> IngestReport:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise NotFound(_l("No such upload."))
    report = IngestReport(upload.id, upload.filename)
    round_ = session.get(Round, upload.round_id)
    assert round_ is not None
    state = ensure_open(session, round_, settings)
    vault = vault_for_round(session, round_)
    done = set(
        session.execute(select(ScanPage.index).where(ScanPage.upload_id == upload.id)).scalars()
    )
    if upload.status == UploadStatus.DONE.value:
        return _report_from_rows(session, upload, report)
    kept = plain_copy(settings, upload.sha256)
    fits = kept.exists() and kept.stat().st_size == upload.size
    path = kept if fits else decrypted_copy(upload, settings)
    try:
        upload.status = UploadStatus.PROCESSING.value
        upload.pages_done = len(done)
        checkpoint()
        ingest = PageIngest(session, upload, round_, state, vault, settings)
        todo = [i for i in range(upload.pages_total or 0) if i not in done]
        last = time.monotonic()
        for count, result in enumerate(
            _results(path, todo, default_workers() if workers is None else workers, ingest.keys()),
            start=1,
        ):
            report.lines.append(ingest.store(result))
            upload.pages_done += 1
            if count % CHECKPOINT_EVERY == 0 or time.monotonic() - last >= CHECKPOINT_SECONDS:
                session.flush()
                checkpoint()
                last = time.monotonic()
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
    return _finish(session, upload, round_, report, actor)


def _finish(
    session: AnySession, upload: Upload, round_: Round, report: IngestReport, actor: Actor
) -> IngestReport:
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


def mark_failed(
    session: AnySession, upload_id: int, *, actor: Actor, error: str, settings: Settings
) -> None:
    """An upload whose processing gave up; the pages already read stay, and a retry resumes."""
    upload = session.get(Upload, upload_id)
    if upload is None or upload.status in (UploadStatus.DONE.value, UploadStatus.FAILED.value):
        return  # read, or its failure already recorded (by the command, or the job's try)
    upload.status = UploadStatus.FAILED.value
    upload.error = error[:500]
    plain_copy(settings, upload.sha256).unlink(
        missing_ok=True
    )  # a retry decrypts the stored original
    upload.finished_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.ingest_failed",
        subject=f"upload:{upload.id}",
        data={"pages_done": upload.pages_done, "error": upload.error},
    )

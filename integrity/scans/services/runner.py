"""Running an ingest: the one place that commits while a long upload is read (job and command alike)."""

from __future__ import annotations

import time
from collections.abc import Callable

from integrity.audit.domain.chain import Actor
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.scans.services.ingest import IngestReport, mark_failed, process_upload
from integrity.settings import Settings


def run_ingest(
    upload_id: int,
    actor: Actor,
    *,
    settings: Settings,
    last_try: bool = True,
    workers: int | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> IngestReport:
    """Read the upload's remaining pages, committing every hundred (``checkpoint``: a job's own,
    which may stop the run there). A try that fails records it on the upload if it was the last."""
    from integrity.jobs import log_job

    started = time.perf_counter()
    session = db.session()
    # Checkpoints commit every hundred pages; reloading every loaded row after each would cost
    # more than the pages themselves, and nothing else writes these rows meanwhile.
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        report = process_upload(
            db.session,
            upload_id,
            actor=actor,
            checkpoint=checkpoint or db.session.commit,
            workers=workers,
            settings=settings,
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        # A file the reader refuses (a domain error) is refused again on every try: it fails now.
        if last_try or isinstance(exc, DomainError):
            error = str(exc) or type(exc).__name__
            mark_failed(db.session, upload_id, actor=actor, error=error, settings=settings)
            db.session.commit()
        log_job(
            "ingest_upload", status="failed", user_id=actor.id, started=started, upload_id=upload_id
        )
        raise
    finally:
        session.expire_on_commit = expire
    log_job(
        "ingest_upload",
        status="done",
        user_id=actor.id,
        started=started,
        upload_id=upload_id,
        pages=len(report.lines),
    )
    return report

"""The scans area's background jobs."""

from __future__ import annotations

from typing import Any

from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of


def _ingest(args: dict[str, Any], run: Run) -> None:
    from integrity.scans.services.runner import run_ingest

    run_ingest(
        args["upload_id"],
        actor_of(args),
        last_try=run.last_try,
        checkpoint=lambda: run.checkpoint(db.session),
    )


def _ingest_given_up(args: dict[str, Any], error: str) -> None:
    from integrity.scans.services.ingest import mark_failed

    mark_failed(db.session, args["upload_id"], actor=actor_of(args), error=error)


# Reading an upload: three tries; a try stopped at a checkpoint resumes where it stopped.
INGEST = JobKind("scans.ingest_upload", _ingest, attempts=3, give_up=_ingest_given_up)

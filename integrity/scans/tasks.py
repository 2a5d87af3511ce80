"""The scans area's background jobs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of
from integrity.uploads.services import Purpose


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


def _scan_target(session: Any, metadata: Mapping[str, str]) -> dict[str, Any]:
    """A scan upload names its round, which must exist and still take scans."""
    from flask_babel import lazy_gettext as _l

    from integrity.errors import InvalidInput
    from integrity.registry.models import Round
    from integrity.scans.services.common import ensure_open

    text = metadata.get("round_id", "")
    round_ = session.get(Round, int(text)) if text.isascii() and text.isdigit() else None
    if round_ is None:
        raise InvalidInput(_l("The upload does not name a round."))
    ensure_open(session, round_)
    return {"round_id": round_.id}


def _scan_finish(session: Any, actor: Actor, upload: Any, path: Path) -> dict[str, Any]:
    """Store and seal the whole file as the upload form does, then queue its reading."""
    from integrity import jobs
    from integrity.registry.models import Round
    from integrity.scans.services import ingest

    round_ = session.get(Round, upload.target["round_id"])
    with path.open("rb") as stream:
        record, created = ingest.create_upload(
            session, actor=actor, round_=round_, stream=stream, filename=upload.filename
        )
    if created or record.status == "failed":  # sent again after a failure: read it again
        jobs.submit(session, INGEST, {"upload_id": record.id}, actor=actor)
    return {"upload_id": record.id, "new": created, "pages": record.pages_total}


# Scans sent in chunks by the round's upload page (see integrity.uploads).
SCANS_UPLOAD = Purpose(
    "scans", frozenset({Role.ADMIN, Role.ORGANISER, Role.IT_SPECIALIST}), _scan_target, _scan_finish
)

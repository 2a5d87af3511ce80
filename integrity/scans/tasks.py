"""The scans area's background jobs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app

from integrity import jobs
from integrity.accounts.domain import Role
from integrity.audit.domain.chain import Actor
from integrity.db import AnySession
from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of
from integrity.scans.models import Upload, UploadStatus
from integrity.settings import Settings, settings_of
from integrity.uploads.services import Purpose


def _ingest(args: dict[str, Any], run: Run) -> None:
    from integrity.scans.services.runner import run_ingest

    run_ingest(
        args["upload_id"],
        actor_of(args),
        settings=settings_of(current_app),
        last_try=run.last_try,
        checkpoint=lambda: run.checkpoint(db.session),
    )


def _ingest_given_up(args: dict[str, Any], error: str) -> None:
    from integrity.scans.services.ingest import mark_failed

    mark_failed(db.session, args["upload_id"], actor=actor_of(args), error=error,
                settings=settings_of(current_app))  # fmt: skip


# Reading an upload: three tries; a try stopped at a checkpoint resumes where it stopped.
INGEST = JobKind("scans.ingest_upload", _ingest, attempts=3, give_up=_ingest_given_up)


def read_later(session: AnySession, upload: Upload, created: bool, actor: Actor) -> None:
    """Queue the reading of a new upload, or of one sent again after its reading failed."""
    if created or upload.status == UploadStatus.FAILED.value:
        jobs.submit(session, INGEST, {"upload_id": upload.id}, actor=actor)


def _scan_target(session: Any, metadata: Mapping[str, str], settings: Settings) -> dict[str, Any]:
    """A scan upload names its round, which must exist and still take scans."""
    from flask_babel import lazy_gettext as _l

    from integrity.errors import InvalidInput
    from integrity.registry.models import Round
    from integrity.scans.services.common import ensure_open

    text = metadata.get("round_id", "")
    round_ = session.get(Round, int(text)) if text.isascii() and text.isdigit() else None
    if round_ is None:
        raise InvalidInput(_l("The upload does not name a round."))
    ensure_open(session, round_, settings)
    return {"round_id": round_.id}


def _scan_finish(
    session: Any, actor: Actor, upload: Any, path: Path, settings: Settings
) -> dict[str, Any]:
    """Store and seal the whole file as the upload form does, then queue its reading."""
    from integrity.registry.models import Round
    from integrity.scans.services import ingest

    round_ = session.get(Round, upload.target["round_id"])
    with path.open("rb") as stream:
        record, created = ingest.create_upload(
            session, actor=actor, round_=round_, stream=stream, filename=upload.filename,
            settings=settings,
        )  # fmt: skip
    read_later(session, record, created, actor)
    return {"upload_id": record.id, "new": created, "pages": record.pages_total}


# Scans sent in chunks by the round's upload page (see integrity.uploads).
SCANS_UPLOAD = Purpose(
    "scans", frozenset({Role.ADMIN, Role.ORGANISER, Role.IT_SPECIALIST}), _scan_target, _scan_finish
)

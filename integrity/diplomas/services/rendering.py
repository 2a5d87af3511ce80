"""Rendering an approved batch: one PDF per school, a manifest, and a ZIP of them all.

This runner is the one place that commits while a batch renders (job and command alike): after
each school, so the batch page can show the progress. The settings (public host, organisation,
file store) are passed in by the job or command.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from integrity import spreadsheets
from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.config import DEFAULT_PUBLIC_HOST
from integrity.db import AnySession
from integrity.diplomas import services
from integrity.diplomas.domain import DocType, documents, to_link
from integrity.diplomas.models import Batch, BatchState, Diploma
from integrity.errors import Conflict
from integrity.extensions import db
from integrity.registry.models import Event
from integrity.settings import Settings
from integrity.storage import file_store


def link(doc: Diploma, host: str) -> str:
    """The link a document's QR code carries (``host``: ``Settings.host``)."""
    return to_link(host, doc.payload)


def placeholder_host(settings: Settings) -> bool:
    """Whether a QR code would carry the built-in placeholder host (development may)."""
    return settings.env != "development" and settings.host == DEFAULT_PUBLIC_HOST


def require_public_host(settings: Settings) -> None:
    """Refuse to print the built-in placeholder host in a QR code: such a diploma would lead
    nowhere. Development may; the demo sets PUBLIC_HOST to the address it serves."""
    if placeholder_host(settings):
        raise Conflict(
            _l("Diplomas are not printed while PUBLIC_HOST is the built-in default (%(host)s): "
               "their QR codes would lead nowhere. Set INTEGRITY_PUBLIC_HOST (or public_host in "
               "integrity.toml) to the address of this site's public pages.",
               host=DEFAULT_PUBLIC_HOST),
            code="placeholder_host",
        )  # fmt: skip


def printable(doc: Diploma, event: Event, settings: Settings) -> documents.Printable:
    require_public_host(settings)
    ru = doc.language == "ru"
    return documents.Printable(
        serial=doc.serial,
        doc_type=DocType.from_code(doc.doc_type),
        language=doc.language,
        organisation=settings.organisation_ru if ru else settings.organisation_kk,
        event=event.title_ru if ru else event.title_kk,
        subject=doc.subject,
        name=doc.name,
        grade=doc.grade,
        school=doc.school,
        award_note=doc.award_note,
        date=doc.issued_on.strftime("%d.%m.%Y"),
        link=link(doc, settings.host),
        host=settings.host,
    )


def render_one(doc: Diploma, settings: Settings) -> bytes:
    return documents.render([printable(doc, doc.event, settings)], language=doc.language)


def _file_name(school: str, taken: set[str]) -> str:
    stem = re.sub(r"[^\w.-]+", "_", school, flags=re.UNICODE).strip("_")[:80] or "school"
    name, n = f"{stem}.pdf", 2
    while name in taken:
        name, n = f"{stem}_{n}.pdf", n + 1
    taken.add(name)
    return name


def mark_batch_failed(session: AnySession, batch_id: int, actor: Actor, error: str) -> None:
    batch = session.get(Batch, batch_id)
    assert batch is not None
    batch.state = BatchState.FAILED
    batch.error = error
    record_event(
        session,
        actor=actor,
        action="diploma.batch_failed",
        subject=f"diploma_batch:{batch.id}",
        data={"error": batch.error},
    )


def _archive(
    batch: Batch,
    schools: dict[str, list[Diploma]],
    settings: Settings,
    checkpoint: Callable[[], None],
) -> bytes:
    """The ZIP: a PDF per school, the manifest and the checksums; progress after each school."""
    archive = io.BytesIO()
    manifest: list[list[object]] = [["serial", "type", "name", "grade", "school", "file", "link"]]
    sums, taken = [], set[str]()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for school, group in schools.items():
            name = _file_name(school, taken)
            events = {doc.event_id: doc.event for doc in group}
            pdf = documents.render(
                [printable(doc, events[doc.event_id], settings) for doc in group],
                language=batch.language,
            )
            zf.writestr(name, pdf)
            sums.append(f"{hashlib.sha256(pdf).hexdigest()}  {name}")
            for doc in group:
                manifest.append(
                    [doc.serial, doc.doc_type, doc.name, doc.grade, school, name,
                     link(doc, settings.host)]
                )  # fmt: skip
            batch.done += len(group)
            checkpoint()
        zf.writestr("manifest.csv", spreadsheets.csv_bytes(manifest))
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return archive.getvalue()


def _render(
    session: AnySession, batch: Batch, actor: Actor, settings: Settings,
    checkpoint: Callable[[], None],
) -> None:  # fmt: skip
    docs = services.batch_documents(session, batch)
    schools: dict[str, list[Diploma]] = defaultdict(list)
    for doc in docs:
        schools[doc.school].append(doc)
    batch.total, batch.done = len(docs), 0
    session.commit()
    batch.archive = file_store(settings).put_bytes(_archive(batch, schools, settings, checkpoint))
    batch.state = BatchState.DONE
    batch.error = None
    record_event(
        session,
        actor=actor,
        action="diploma.batch_rendered",
        subject=f"diploma_batch:{batch.id}",
        data={"documents": len(docs), "files": len(schools), "archive": batch.archive},
    )
    session.commit()


def render_batch(
    batch_id: int,
    actor: Actor,
    settings: Settings,
    *,
    checkpoint: Callable[[], None] | None = None,
) -> Batch:
    """Render an approved batch into one ZIP, committing its progress after each school's PDF
    (``checkpoint``: a job's own, which may stop the run there; a new run starts over)."""
    from integrity.jobs import log_job

    started = time.perf_counter()
    session = db.session
    batch = session.get(Batch, batch_id)
    if batch is None or batch.state not in (BatchState.APPROVED, BatchState.FAILED):
        raise ValueError(f"batch {batch_id} is not approved")
    try:
        _render(session, batch, actor, settings, checkpoint or db.session.commit)
    except Exception as exc:
        session.rollback()
        mark_batch_failed(session, batch_id, actor, str(exc) or type(exc).__name__)
        session.commit()
        log_job("render_diplomas", status="failed", user_id=actor.id, started=started)
        raise
    log_job(
        "render_diplomas",
        status="done",
        user_id=actor.id,
        started=started,
        batch_id=batch_id,
        documents=batch.total,
    )
    return batch

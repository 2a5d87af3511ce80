"""A document's status: suspended, annulled or restored; superseded by a corrected re-issue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.diplomas.domain import DocType
from integrity.diplomas.models import AnnulKind, Diploma, DocumentStatus
from integrity.diplomas.services import keys
from integrity.diplomas.services.issuing import CHANGEABLE, Draft, find_by_serial, issue
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain import normalise_name
from integrity.settings import Settings


def set_status(
    session: AnySession,
    *,
    actor: Actor,
    settings: Settings,
    diploma: Diploma,
    status: DocumentStatus,
    reason: str,
    kind: AnnulKind | None = None,
    replaced_by: str | None = None,
) -> Diploma:
    """Suspend, annul or restore a document; superseding is ``reissue``'s business. Annulling
    says its ``kind``; a document annulled as re-issued may name the document that replaces it
    (``replaced_by``, a serial), which its public check then links to."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_l("Give a reason for the change."), field="reason")
    if status is DocumentStatus.SUPERSEDED:
        raise InvalidInput(_l("A document is superseded by re-issuing it."), field="status")
    if diploma.status not in CHANGEABLE:
        raise Conflict(
            _l("An annulled or superseded document cannot change again."), code="final_status"
        )
    if diploma.status is status:
        raise Conflict(_l("The document already has this status."), code="same_status")
    data: dict[str, str] = {}
    if status is DocumentStatus.ANNULLED:
        data = _annulment(session, diploma, kind, replaced_by)
    before = diploma.status
    diploma.status = status
    diploma.status_reason = reason
    diploma.status_at = utcnow()
    session.flush()
    session.expire(diploma, ["superseded_by"])  # a replacing document named just now
    record_event(
        session,
        actor=actor,
        action="diploma.status_changed",
        subject=f"diploma:{diploma.id}",
        data={"serial": diploma.serial, "from": before.value, "to": status.value, "reason": reason,
              **data},
    )  # fmt: skip
    keys.publish_status_list(session, actor=actor, settings=settings)
    return diploma


def _annulment(
    session: AnySession, diploma: Diploma, kind: AnnulKind | None, replaced_by: str | None
) -> dict[str, str]:
    """Set an annulment's kind (and replacing document); what the audit event adds."""
    if kind is None:
        raise InvalidInput(_l("Say why the document is annulled."), field="kind")
    diploma.annul_kind = kind
    data = {"kind": kind.value}
    serial = (replaced_by or "").strip().upper()
    if serial and kind is not AnnulKind.REISSUED:
        raise InvalidInput(
            _l("Only a re-issued document names the one that replaces it."), field="replaced_by"
        )
    if serial:
        new = find_by_serial(session, serial)
        if new is None or new.id == diploma.id or new.status not in CHANGEABLE:
            raise InvalidInput(
                _l("No valid document has the serial %(serial)s.", serial=serial),
                field="replaced_by",
            )
        diploma.superseded_by_id = new.id
        data["replaced_by"] = new.serial
    return data


def reissue(
    session: AnySession,
    *,
    actor: Actor,
    settings: Settings,
    diploma: Diploma,
    reason: str,
    name: str | None = None,
    surname: str | None = None,
    school: str | None = None,
) -> Diploma:
    """A corrected document under a new serial; the old one is superseded and links to it."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_l("Give a reason for the change."), field="reason")
    if diploma.status not in CHANGEABLE:
        raise Conflict(
            _l("An annulled or superseded document cannot change again."), code="final_status"
        )
    old_source, diploma.source = diploma.source, None
    session.flush()
    printed = normalise_name(name) if name else diploma.name
    family = normalise_name(surname) if surname else printed.split(" ", 1)[0]
    (new,) = issue(
        session,
        actor=actor,
        settings=settings,
        drafts=[
            Draft(
                doc_type=DocType.from_code(diploma.doc_type),
                event_id=diploma.event_id,
                subject=diploma.subject,
                surname=family,
                name=printed,
                grade=diploma.grade,
                school=normalise_name(school) if school else diploma.school,
                language=diploma.language,
                award_note=diploma.award_note,
                entry_id=diploma.entry_id,
                source=old_source,
            )
        ],
    )
    new.batch_id = diploma.batch_id
    diploma.status = DocumentStatus.SUPERSEDED
    diploma.superseded_by_id = new.id
    diploma.status_reason = reason
    diploma.status_at = utcnow()
    session.flush()
    session.refresh(diploma, ["superseded_by"])
    record_event(
        session,
        actor=actor,
        action="diploma.superseded",
        subject=f"diploma:{diploma.id}",
        data={"serial": diploma.serial, "by": new.serial, "reason": reason},
    )
    keys.publish_status_list(session, actor=actor, settings=settings)
    return new

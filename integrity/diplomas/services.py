"""Issuing diplomas, batches with a second person's approval, and status changes.

Services flush and record audit events; the view, command or job commits once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.chain import Actor
from integrity.audit.services import record_event
from integrity.clock import local_today
from integrity.db import AnySession, utcnow
from integrity.diplomas import keys
from integrity.diplomas.domain import MAX_NAME, MAX_SUBJECT, DocType, Payload, Serial, sign
from integrity.diplomas.models import Batch, BatchState, Diploma, DocumentStatus
from integrity.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.domain import name_key, normalise_name
from integrity.registry.models import Entry, Event, Participant
from integrity.scans.models import Work
from integrity.settings import settings_of

AWARD_TYPES = {"I": DocType.DIPLOMA_1, "II": DocType.DIPLOMA_2, "III": DocType.DIPLOMA_3}
LANGUAGES = ("kk", "ru")
INDIVIDUAL_TYPES = (DocType.COMMENDATION, DocType.SPECIAL_PRIZE, DocType.PARTICIPATION)
CHANGEABLE = (DocumentStatus.VALID, DocumentStatus.SUSPENDED)


@dataclass(frozen=True)
class Draft:
    """A document about to be issued."""

    doc_type: DocType
    event_id: int
    subject: str
    surname: str
    name: str
    grade: int
    school: str
    language: str
    award_note: str = ""
    entry_id: int | None = None
    source: str | None = None


def _check_draft(draft: Draft) -> None:
    if not draft.name or not draft.surname:
        raise InvalidInput(_l("The name and the surname are required."), field="name")
    if draft.surname not in draft.name:
        raise InvalidInput(_l("The printed name must contain the surname."), field="surname")
    if len(draft.name.encode()) > MAX_NAME:
        raise InvalidInput(_l("The name is too long for the QR code."), field="name")
    if not draft.subject or len(draft.subject.encode()) > MAX_SUBJECT:
        raise InvalidInput(
            _l("The subject must be given and at most %(n)d bytes long.", n=MAX_SUBJECT),
            field="subject",
        )
    if not 0 <= draft.grade <= 12:
        raise InvalidInput(_l("The grade must be between 0 and 12."), field="grade")
    if draft.language not in LANGUAGES:
        raise InvalidInput(_l("The language must be kk or ru."), field="language")


def issue(
    session: AnySession,
    *,
    actor: Actor,
    drafts: list[Draft],
    batch: Batch | None = None,
    issued_on: dt.date | None = None,
) -> list[Diploma]:
    """Give each draft a serial and a status index and sign it, all in the caller's transaction.
    Drafts whose source already has a document are skipped: issuing again never duplicates."""
    for draft in drafts:
        _check_draft(draft)
    sources = [d.source for d in drafts if d.source]
    existing = set(
        session.execute(select(Diploma.source).where(Diploma.source.in_(sources))).scalars()
        if sources
        else []
    )
    todo = [d for d in drafts if not d.source or d.source not in existing]
    if not todo:
        return []
    issued_on = issued_on or local_today(settings_of(current_app).zone)
    year = issued_on.year % 100
    issuer = keys.issuer()
    key, private = keys.signer(session, actor=actor)
    by_type: dict[DocType, list[Draft]] = defaultdict(list)
    for draft in todo:
        by_type[draft.doc_type].append(draft)
    # Status indices count from 0, so the list's size is the counter's value.
    index = keys.allocate(session, keys.STATUS_COUNTER, len(todo)) - 1
    made = []
    for doc_type, group in sorted(by_type.items()):
        sequence = keys.allocate(session, f"{issuer}-{year:02d}-{doc_type.code}", len(group))
        for draft in group:
            serial = Serial(issuer, year, doc_type, sequence)
            payload = Payload(
                key_id=key.id,
                serial=serial,
                event_id=draft.event_id,
                subject=draft.subject,
                name=draft.name,
                grade=draft.grade,
                issued_on=issued_on,
                status_index=index,
            )
            made.append(
                Diploma(
                    serial=str(serial),
                    issuer=issuer,
                    year=year,
                    doc_type=doc_type.code,
                    sequence=sequence,
                    status_index=index,
                    key_id=key.id,
                    payload=sign(payload, private),
                    language=draft.language,
                    event_id=draft.event_id,
                    subject=draft.subject,
                    name=draft.name,
                    surname_key=name_key(draft.surname),
                    grade=draft.grade,
                    school=draft.school,
                    award_note=draft.award_note,
                    issued_on=issued_on,
                    source=draft.source,
                    entry_id=draft.entry_id,
                    batch_id=batch.id if batch else None,
                    issued_by_id=actor.id,
                )
            )
            sequence += 1
            index += 1
    session.add_all(made)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="diploma.issued",
        subject=f"diploma_batch:{batch.id}" if batch else f"diploma:{made[0].id}",
        data={"serials": [d.serial for d in made], "key_id": key.id},
    )
    keys.publish_status_list(session, actor=actor)
    return made


def issue_one(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    doc_type: DocType,
    surname: str,
    given_names: str,
    subject: str,
    grade: int,
    school: str,
    language: str,
    award_note: str = "",
) -> Diploma:
    """One document outside a protocol: a letter of commendation, a special prize or a
    certificate of participation. Degree diplomas come only from a protocol's approved batch, so
    no single person can make a "genuine" I-degree diploma."""
    if doc_type not in INDIVIDUAL_TYPES:
        raise InvalidInput(
            _l(
                "Degree diplomas are issued only from a final protocol, with a second person's approval."
            ),
            field="doc_type",
        )
    surname, given_names = normalise_name(surname), normalise_name(given_names)
    made = issue(
        session,
        actor=actor,
        drafts=[
            Draft(
                doc_type=doc_type,
                event_id=event.id,
                subject=normalise_name(subject),
                surname=surname,
                name=f"{surname} {given_names}".strip(),
                grade=grade,
                school=normalise_name(school),
                language=language,
                award_note=normalise_name(award_note),
            )
        ],
    )
    return made[0]


# ---------------------------------------------------------------- a protocol's batch


def protocol_drafts(
    session: AnySession, protocol: Protocol, *, language: str, participation: bool
) -> list[Draft]:
    """A draft for every award of the published named protocol (and, if asked, a certificate of
    participation for every other ranked participant)."""
    version = protocol.current
    if protocol.state is not ProtocolState.FINAL_PUBLISHED or version is None or not version.named:
        raise Conflict(
            _l("Diplomas are issued from a published final (named) protocol."), code="not_final"
        )
    from integrity.vault.models import IdentityLink

    content = json.loads(version.content)
    entries = dict(
        session.execute(
            select(Work.cipher, IdentityLink.entry_id)
            .join(IdentityLink, IdentityLink.work_id == Work.id)
            .where(Work.round_id == protocol.round_id)
        ).all()
    )
    surnames = dict(
        session.execute(
            select(Entry.id, Participant.surname)
            .join(Participant, Participant.id == Entry.participant_id)
            .where(Entry.round_id == protocol.round_id)
        ).all()
    )
    round_ = protocol.round
    subject = round_.subject.name_kk if language == "kk" else round_.subject.name_ru
    drafts = []
    for row in content["rows"]:
        doc_type = AWARD_TYPES.get(row["award"] or "")
        if doc_type is None:
            if not participation:
                continue
            doc_type = DocType.PARTICIPATION
        entry_id = entries[row["cipher"]]
        drafts.append(
            Draft(
                doc_type=doc_type,
                event_id=round_.subject.event_id,
                subject=subject,
                surname=surnames[entry_id],
                name=row["name"],
                grade=int(row["grade"]),
                school=row[f"school_{language}"],
                language=language,
                entry_id=entry_id,
                source=f"p{protocol.id}:e{entry_id}:{doc_type.code}",
            )
        )
    return drafts


def request_batch(
    session: AnySession, *, actor: Actor, protocol: Protocol, language: str, participation: bool
) -> Batch:
    """The maker's step: nothing is issued until another user approves."""
    if language not in LANGUAGES:
        raise InvalidInput(_l("The language must be kk or ru."), field="language")
    if actor.id is None:
        raise Forbidden(
            _l("A batch is asked for by a named user (--as), so that another can approve it."),
            code="anonymous",
        )
    drafts = protocol_drafts(session, protocol, language=language, participation=participation)
    if not drafts:
        raise Conflict(_l("This protocol has no award to issue a diploma for."), code="empty")
    issued_in = set(
        session.execute(
            select(Diploma.language).where(Diploma.source.like(f"p{protocol.id}:%"))
        ).scalars()
    )
    if issued_in and issued_in != {language}:
        raise Conflict(
            _l("This protocol's documents are issued in another language; one award is one "
               "document (re-issue a document to change its language)."),
            code="language",
        )  # fmt: skip
    pending = session.execute(
        select(Batch).where(Batch.protocol_id == protocol.id, Batch.state == BatchState.REQUESTED)
    ).scalar_one_or_none()
    if pending is not None:
        raise Conflict(
            _l("A batch for this protocol already waits for approval."), code="batch_pending"
        )
    batch = Batch(
        protocol_id=protocol.id,
        language=language,
        participation=participation,
        state=BatchState.REQUESTED,
        requested_by_id=actor.id,
        total=len(drafts),
    )
    session.add(batch)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="diploma.batch_requested",
        subject=f"diploma_batch:{batch.id}",
        data={"protocol_id": protocol.id, "documents": len(drafts), "language": language},
    )
    return batch


def decide_batch(
    session: AnySession, *, actor: Actor, batch: Batch, approve: bool
) -> list[Diploma]:
    """The checker's step. Approving issues the documents (the PDFs render afterwards, in a job)."""
    if batch.state is not BatchState.REQUESTED:
        raise Conflict(_l("This batch is already decided."), code="decided")
    if actor.id is None or actor.id == batch.requested_by_id:
        raise Forbidden(
            _l("A batch is approved by another user than the one who asked for it."),
            code="same_user",
        )
    batch.decided_by_id = actor.id
    batch.decided_at = utcnow()
    if not approve:
        batch.state = BatchState.REJECTED
        session.flush()
        record_event(
            session,
            actor=actor,
            action="diploma.batch_rejected",
            subject=f"diploma_batch:{batch.id}",
        )
        return []
    protocol = session.get(Protocol, batch.protocol_id)
    if protocol is None:
        raise NotFound(_l("No such protocol."))
    drafts = protocol_drafts(
        session, protocol, language=batch.language, participation=batch.participation
    )
    batch.state = BatchState.APPROVED
    batch.total = len(drafts)
    batch.done = 0
    session.flush()
    record_event(
        session,
        actor=actor,
        action="diploma.batch_approved",
        subject=f"diploma_batch:{batch.id}",
        data={"protocol_id": protocol.id, "documents": len(drafts)},
    )
    return issue(session, actor=actor, drafts=drafts, batch=batch)


def batch_documents(session: AnySession, batch: Batch) -> list[Diploma]:
    """What the batch prints: every document issued for its protocol that is still in force,
    including those an earlier batch issued."""
    protocol = session.get(Protocol, batch.protocol_id)
    assert protocol is not None
    return list(
        session.execute(
            select(Diploma)
            .where(
                Diploma.source.like(f"p{protocol.id}:%"),
                Diploma.status.in_(CHANGEABLE),
                Diploma.language == batch.language,
            )
            .order_by(Diploma.school, Diploma.doc_type, Diploma.name)
        ).scalars()
    )


# ---------------------------------------------------------------- status


def set_status(
    session: AnySession, *, actor: Actor, diploma: Diploma, status: DocumentStatus, reason: str
) -> Diploma:
    """Suspend, annul or restore a document; superseding is ``reissue``'s business."""
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
    before = diploma.status
    diploma.status = status
    diploma.status_reason = reason
    diploma.status_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="diploma.status_changed",
        subject=f"diploma:{diploma.id}",
        data={"serial": diploma.serial, "from": before.value, "to": status.value, "reason": reason},
    )
    keys.publish_status_list(session, actor=actor)
    return diploma


def reissue(
    session: AnySession,
    *,
    actor: Actor,
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
    keys.publish_status_list(session, actor=actor)
    return new


def find_by_serial(session: AnySession, serial: str) -> Diploma | None:
    return session.execute(select(Diploma).where(Diploma.serial == serial)).scalar_one_or_none()

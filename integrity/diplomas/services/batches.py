"""A protocol's batch: one person asks, another approves, and only then are documents issued."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.diplomas.domain import DocType
from integrity.diplomas.models import Batch, BatchState, Diploma
from integrity.diplomas.services.issuing import (
    AWARD_TYPES,
    CHANGEABLE,
    LANGUAGES,
    Draft,
    issue,
    not_yet_issued,
)
from integrity.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.models import Entry, Participant
from integrity.scans.models import Work
from integrity.settings import Settings


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


@dataclass(frozen=True)
class Preview:
    """What approving a batch would issue: how many documents of each type (by type code, in the
    order of ``DocType``), and how many of the protocol's awards already have their document."""

    by_type: list[tuple[str, int]]
    new: int
    existing: int


def preview_batch(session: AnySession, batch: Batch) -> Preview:
    """The documents an approval would issue now, counted; nothing is written."""
    if batch.state is not BatchState.REQUESTED:
        raise Conflict(_l("This batch is already decided."), code="decided")
    protocol = session.get(Protocol, batch.protocol_id)
    if protocol is None:
        raise NotFound(_l("No such protocol."))
    drafts = protocol_drafts(
        session, protocol, language=batch.language, participation=batch.participation
    )
    todo = not_yet_issued(session, drafts)
    counts = Counter(d.doc_type for d in todo)
    by_type = [(t.code, counts[t]) for t in DocType if counts[t]]
    return Preview(by_type, len(todo), len(drafts) - len(todo))


def decide_batch(
    session: AnySession, *, actor: Actor, settings: Settings, batch: Batch, approve: bool
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
    return issue(session, actor=actor, settings=settings, drafts=drafts, batch=batch)


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

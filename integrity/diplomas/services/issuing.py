"""Issuing documents: serials, status indices and signatures, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.clock import local_today
from integrity.db import AnySession
from integrity.diplomas.domain import MAX_NAME, MAX_SUBJECT, DocType, Payload, Serial, sign
from integrity.diplomas.models import Batch, Diploma, DocumentStatus, SigningKey
from integrity.diplomas.services import keys
from integrity.errors import InvalidInput
from integrity.registry.domain import name_key, normalise_name
from integrity.registry.models import Event
from integrity.settings import Settings

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


def not_yet_issued(session: AnySession, drafts: list[Draft]) -> list[Draft]:
    """The drafts whose source has no document yet: issuing again never duplicates."""
    sources = [d.source for d in drafts if d.source]
    existing = set(
        session.execute(select(Diploma.source).where(Diploma.source.in_(sources))).scalars()
        if sources
        else []
    )
    return [d for d in drafts if not d.source or d.source not in existing]


@dataclass(frozen=True)
class _Signing:
    """What every document of one call shares: who signs, with which key, on which day."""

    issuer: str
    issued_on: dt.date
    key: SigningKey
    private: Ed25519PrivateKey
    actor: Actor
    batch: Batch | None


def _signed(signing: _Signing, draft: Draft, sequence: int, index: int) -> Diploma:
    """One document: its serial, its signed payload, and the row that keeps both."""
    year = signing.issued_on.year % 100
    serial = Serial(signing.issuer, year, draft.doc_type, sequence)
    payload = Payload(
        key_id=signing.key.id,
        serial=serial,
        event_id=draft.event_id,
        subject=draft.subject,
        name=draft.name,
        grade=draft.grade,
        issued_on=signing.issued_on,
        status_index=index,
    )
    return Diploma(
        serial=str(serial),
        issuer=signing.issuer,
        year=year,
        doc_type=draft.doc_type.code,
        sequence=sequence,
        status_index=index,
        key_id=signing.key.id,
        payload=sign(payload, signing.private),
        language=draft.language,
        event_id=draft.event_id,
        subject=draft.subject,
        name=draft.name,
        surname_key=name_key(draft.surname),
        grade=draft.grade,
        school=draft.school,
        award_note=draft.award_note,
        issued_on=signing.issued_on,
        source=draft.source,
        entry_id=draft.entry_id,
        batch_id=signing.batch.id if signing.batch else None,
        issued_by_id=signing.actor.id,
    )


def issue(
    session: AnySession,
    *,
    actor: Actor,
    settings: Settings,
    drafts: list[Draft],
    batch: Batch | None = None,
    issued_on: dt.date | None = None,
) -> list[Diploma]:
    """Give each draft a serial and a status index and sign it, all in the caller's transaction.
    Drafts whose source already has a document are skipped: issuing again never duplicates."""
    for draft in drafts:
        _check_draft(draft)
    todo = not_yet_issued(session, drafts)
    if not todo:
        return []
    issued_on = issued_on or local_today(settings.zone)
    key, private = keys.signer(session, actor=actor, settings=settings)
    signing = _Signing(settings.diploma_issuer, issued_on, key, private, actor, batch)
    by_type: dict[DocType, list[Draft]] = defaultdict(list)
    for draft in todo:
        by_type[draft.doc_type].append(draft)
    # Status indices count from 0, so the list's size is the counter's value.
    index = keys.allocate(session, keys.STATUS_COUNTER, len(todo)) - 1
    made = []
    for doc_type, group in sorted(by_type.items()):
        counter = f"{signing.issuer}-{issued_on.year % 100:02d}-{doc_type.code}"
        sequence = keys.allocate(session, counter, len(group))
        for draft in group:
            made.append(_signed(signing, draft, sequence, index))
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
    keys.publish_status_list(session, actor=actor, settings=settings)
    return made


def issue_one(
    session: AnySession,
    *,
    actor: Actor,
    settings: Settings,
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
    draft = Draft(
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
    (made,) = issue(session, actor=actor, settings=settings, drafts=[draft])
    return made


def find_by_serial(session: AnySession, serial: str) -> Diploma | None:
    return session.execute(select(Diploma).where(Diploma.serial == serial)).scalar_one_or_none()

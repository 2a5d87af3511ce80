"""Participants, entries, jurors, their declared relations and declarations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.chain import Actor
from integrity.audit.services import record_event
from integrity.clock import local_today
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain import is_plausible_name, normalise_name
from integrity.registry.domain.iin import InvalidIIN, parse_iin
from integrity.registry.domain.kinds import EntryStatus, OrganisationKind, RelationKind
from integrity.registry.messages import problem_text
from integrity.registry.models import (
    Entry,
    Event,
    Juror,
    JurorDeclaration,
    JurorRelation,
    JurorSubject,
    Participant,
    Room,
    Round,
    School,
    Subject,
)
from integrity.settings import settings_of


def clean_name(value: str | None, field: str, *, required: bool = True) -> str | None:
    text = normalise_name(value or "")
    if not text:
        if required:
            raise InvalidInput(_l("This field is required."), field=field)
        return None
    if not is_plausible_name(text):
        raise InvalidInput(problem_text("name_characters"), field=field)
    return text


def checked_iin(raw: str, field: str = "iin") -> tuple[str, dt.date, str]:
    try:
        iin = parse_iin(raw)
    except InvalidIIN as exc:
        raise InvalidInput(problem_text(f"iin_{exc.problem.value}"), field=field) from None
    return iin.value, iin.birth_date, iin.sex


def register_participant(
    session: AnySession,
    *,
    actor: Actor,
    iin: str,
    surname: str,
    given_name: str,
    patronymic: str | None,
    grade: int,
    school: School,
    supervisor: str | None = None,
    consent_by: str | None = None,
    consent_date: dt.date | None = None,
    consent_public: bool = False,
) -> Participant:
    value, birth, sex = checked_iin(iin)
    if session.scalar(
        select(func.count()).select_from(Participant).where(Participant.iin == value)
    ):
        raise Conflict(_l("A participant with this IIN is already registered."), field="iin")
    if not 1 <= grade <= 12:
        raise InvalidInput(problem_text("grade"), field="grade")
    surname_ = clean_name(surname, "surname") or ""
    given_ = clean_name(given_name, "given_name") or ""
    patronymic_ = clean_name(patronymic, "patronymic", required=False)
    participant = Participant(
        iin=value,
        birth_date=birth,
        sex=sex,
        surname=surname_,
        given_name=given_,
        patronymic=patronymic_,
        grade=grade,
        school=school,
        supervisor=clean_name(supervisor, "supervisor", required=False),
        consent_by=clean_name(consent_by, "consent_by", required=False),
        consent_date=consent_date,
        consent_public=consent_public and consent_date is not None,
        consent_recorded_by_id=actor.id if consent_date else None,
    )
    session.add(participant)
    session.flush()
    # The IIN stays out of the audit data: observers read the log.
    record_event(
        session,
        actor=actor,
        action="registry.add_participant",
        subject=f"participant:{participant.id}",
        data={"school_id": school.id, "grade": grade},
    )
    return participant


def record_consent(
    session: AnySession,
    *,
    actor: Actor,
    participant: Participant,
    consent_by: str,
    consent_date: dt.date,
    consent_public: bool,
) -> None:
    """A guardian's consent to processing (and, separately, to public listing)."""
    if consent_date > local_today(
        settings_of(current_app).zone
    ):  # a date the organiser reads off a form: local
        raise InvalidInput(_l("The consent date cannot be in the future."), field="consent_date")
    participant.consent_by = clean_name(consent_by, "consent_by")
    participant.consent_date = consent_date
    participant.consent_public = consent_public
    participant.consent_recorded_by_id = actor.id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.record_consent",
        subject=f"participant:{participant.id}",
        data={"consent_date": consent_date.isoformat(), "public": consent_public},
    )


def enter_participant(
    session: AnySession, *, actor: Actor, round_: Round, participant: Participant
) -> Entry:
    subject = round_.subject
    if not subject.grade_min <= participant.grade <= subject.grade_max:
        raise InvalidInput(problem_text("grade_range"), field="grade")
    exists = session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(Entry.round_id == round_.id, Entry.participant_id == participant.id)
    )
    if exists:
        raise Conflict(_l("The participant is already entered in this round."))
    entry = Entry(round=round_, participant=participant)
    session.add(entry)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_entry",
        subject=f"entry:{entry.id}",
        data={"round_id": round_.id, "participant_id": participant.id},
    )
    return entry


def set_entry_status(
    session: AnySession,
    *,
    actor: Actor,
    entry: Entry,
    status: EntryStatus,
    reason: str | None = None,
    evidence_url: str | None = None,
) -> None:
    reason = (reason or "").strip() or None
    if status is EntryStatus.DISQUALIFIED and not reason:
        raise InvalidInput(_l("A disqualification needs a reason."), field="reason")
    evidence = (evidence_url or "").strip() or None
    if evidence and not evidence.startswith(("https://", "http://")):
        raise InvalidInput(_l("A link starts with https:// or http://."), field="evidence_url")
    before = entry.status.value
    entry.status, entry.status_reason, entry.evidence_url = status, reason, evidence
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.set_entry_status",
        subject=f"entry:{entry.id}",
        data={"before": before, "after": status.value, "reason": reason, "evidence_url": evidence},
    )


def seat_entry(
    session: AnySession, *, actor: Actor, entry: Entry, room: Room | None, seat: str | None
) -> None:
    entry.room, entry.seat = room, (seat or "").strip() or None
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.seat_entry",
        subject=f"entry:{entry.id}",
        data={"room_id": room.id if room else None, "seat": entry.seat},
    )


def register_juror(
    session: AnySession,
    *,
    actor: Actor,
    surname: str,
    given_name: str,
    patronymic: str | None,
    organisation_kind: OrganisationKind,
    organisation: str,
    school: School | None = None,
    district_id: int | None = None,
    iin: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    subjects: Iterable[Subject] = (),
    user_id: int | None = None,
) -> Juror:
    iin_value = checked_iin(iin or "")[0] if (iin or "").strip() else None
    if iin_value and session.scalar(
        select(func.count()).select_from(Juror).where(Juror.iin == iin_value)
    ):
        raise Conflict(_l("A juror with this IIN is already registered."), field="iin")
    organisation = " ".join((organisation or "").split())
    if not organisation:
        raise InvalidInput(_l("This field is required."), field="organisation")
    surname_ = clean_name(surname, "surname") or ""
    given_ = clean_name(given_name, "given_name") or ""
    patronymic_ = clean_name(patronymic, "patronymic", required=False)
    juror = Juror(
        iin=iin_value,
        surname=surname_,
        given_name=given_,
        patronymic=patronymic_,
        organisation_kind=OrganisationKind(organisation_kind),
        organisation=organisation,
        school=school,
        district_id=school.district_id if school is not None else district_id,
        email=(email or "").strip() or None,
        phone=(phone or "").strip() or None,
        subjects=[JurorSubject(subject=s) for s in subjects],
        user_id=user_id,
    )
    session.add(juror)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_juror",
        subject=f"juror:{juror.id}",
        data={
            "organisation_kind": juror.organisation_kind.value,
            "school_id": juror.school_id,
            "district_id": juror.district_id,
            "subject_ids": sorted(s.subject_id for s in juror.subjects),
        },
    )
    return juror


def set_juror_subjects(
    session: AnySession, *, actor: Actor, juror: Juror, subjects: Iterable[Subject]
) -> None:
    wanted = {s.id: s for s in subjects}
    current = {js.subject_id for js in juror.subjects}
    if set(wanted) == current:
        return
    juror.subjects = [js for js in juror.subjects if js.subject_id in wanted]
    juror.subjects.extend(
        JurorSubject(subject=s) for sid, s in wanted.items() if sid not in current
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.set_juror_subjects",
        subject=f"juror:{juror.id}",
        data={"subject_ids": sorted(wanted)},
    )


def declare_relation(
    session: AnySession,
    *,
    actor: Actor,
    juror: Juror,
    kind: RelationKind,
    full_name: str,
    iin: str | None = None,
    note: str | None = None,
) -> JurorRelation:
    iin_value = checked_iin(iin or "")[0] if (iin or "").strip() else None
    relation = JurorRelation(
        juror=juror,
        kind=RelationKind(kind),
        iin=iin_value,
        full_name=clean_name(full_name, "full_name") or "",
        note=(note or "").strip() or None,
    )
    session.add(relation)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.declare_relation",
        subject=f"juror:{juror.id}",
        data={
            "relation_id": relation.id,
            "kind": relation.kind.value,
            "has_iin": iin_value is not None,
        },
    )
    return relation


DECLARATION_STATEMENT = (
    "I declare that I have listed every relative, own pupil and supervised project among the "
    "participants of this event, and that I will step aside from any work where I have a conflict of interest."
)


def sign_declaration(
    session: AnySession,
    *,
    actor: Actor,
    juror: Juror,
    event: Event,
    signed_at: dt.datetime | None = None,
    statement: str = DECLARATION_STATEMENT,
) -> JurorDeclaration:
    if juror.declaration_for(event.id) is not None:
        raise Conflict(_l("This juror has already signed the declaration for this event."))
    declaration = JurorDeclaration(
        juror=juror,
        event_id=event.id,
        signed_at=signed_at or utcnow(),
        statement=statement,
        recorded_by_id=actor.id,
    )
    session.add(declaration)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.sign_declaration",
        subject=f"juror:{juror.id}",
        data={"event_id": event.id, "signed_at": declaration.signed_at.isoformat()},
    )
    return declaration


def assign_seats(session: AnySession, *, actor: Actor, round_: Round, rooms: list[Room]) -> int:
    """Seat every unseated entry of a round, filling rooms in order, by school then name.

    Sorting by school spreads nobody; it keeps a school's pupils apart only when the caller passes
    rooms interleaved. The point is a reproducible, printed seating plan, not a random one.
    """
    if not rooms:
        raise InvalidInput(_l("Choose at least one room."), field="rooms")
    taken: dict[int, int] = {room.id: 0 for room in rooms}
    for room_id, count in session.execute(
        select(Entry.room_id, func.count())
        .where(Entry.round_id == round_.id, Entry.room_id.in_(taken))
        .group_by(Entry.room_id)
    ).all():
        if room_id is not None:
            taken[room_id] = count
    unseated = (
        session.execute(
            select(Entry)
            .join(Participant)
            .where(Entry.round_id == round_.id, Entry.room_id.is_(None))
            .order_by(Participant.school_id, Participant.sort_key)
        )
        .scalars()
        .all()
    )
    seated = 0
    queue = list(rooms)
    for entry in unseated:
        while queue and taken[queue[0].id] >= queue[0].capacity:
            queue.pop(0)
        if not queue:
            raise InvalidInput(_l("The rooms have too few seats for this round."), field="rooms")
        room = queue[0]
        taken[room.id] += 1
        entry.room, entry.seat = room, str(taken[room.id])
        seated += 1
    if seated:
        session.flush()
        record_event(
            session,
            actor=actor,
            action="registry.assign_seats",
            subject=f"round:{round_.id}",
            data={"seated": seated, "room_ids": [r.id for r in rooms]},
        )
    return seated


def link_juror_account(session: AnySession, *, actor: Actor, juror: Juror, user_id: int) -> None:
    """Let a juror sign in: their marking pages are reached through this link."""
    if juror.user_id == user_id:
        return
    if session.scalar(select(func.count()).select_from(Juror).where(Juror.user_id == user_id)):
        raise Conflict(_l("This account already belongs to another juror."), field="user_id")
    juror.user_id = user_id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.link_juror_account",
        subject=f"juror:{juror.id}",
        data={"user_id": user_id},
    )

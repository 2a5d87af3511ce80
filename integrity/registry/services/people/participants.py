"""Participants: registering them, their consent, entering them in rounds, their status and seats."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.clock import local_today
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain import is_plausible_name, normalise_name
from integrity.registry.domain.iin import InvalidIIN, parse_iin
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.labels import problem_text
from integrity.registry.models import (
    Entry,
    Participant,
    Room,
    Round,
    School,
)


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
    zone: ZoneInfo,
) -> None:
    """A guardian's consent to processing (and, separately, to public listing).

    ``zone`` is the centre's (``settings.zone``): the organiser reads the date off a paper form,
    so "not in the future" is judged by the local date.
    """
    if consent_date > local_today(zone):
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

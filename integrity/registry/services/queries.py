"""The registry's read side: what its pages list and count. No writes, no audit events.

Lists that page take ``page_for``, which turns a total into a window (the views pass
``Page.from_request``), so the paging stays with the request and the query stays here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from integrity.db import AnySession
from integrity.registry.domain import name_key
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import (
    District,
    Entry,
    Event,
    ImportRun,
    Juror,
    JurorDeclaration,
    JurorSubject,
    Participant,
    Room,
    Round,
    School,
    Subject,
    Venue,
)


class Window(Protocol):
    """One page of a list: how many rows, from where (``integrity.web.pagination.Page`` fits)."""

    @property
    def size(self) -> int: ...
    @property
    def offset(self) -> int: ...


W = TypeVar("W", bound=Window)
T = TypeVar("T")


def _paged(
    session: AnySession,
    query: Select[Any],
    page_for: Callable[[int], W],
    *order: Any,
    load: Sequence[Any] = (),
) -> tuple[list[Any], W]:
    """Count the matches, let ``page_for`` choose the window, then load that window."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = page_for(total)
    window = query.options(*load).order_by(*order).limit(page.size).offset(page.offset)
    return list(session.execute(window).scalars().all()), page


def _search_participants(query: Select[Any], text: str) -> Select[Any]:
    """By the start of an IIN (digits), else by name or school (any case, ё as е)."""
    text = text.strip()
    if not text:
        return query
    if text.isascii() and text.isdigit():
        return query.where(Participant.iin.startswith(text))
    key = name_key(text)
    # autoescape: a typed % or _ is a character to find, not a LIKE wildcard
    return query.where(
        or_(
            Participant.search_key.contains(key, autoescape=True),
            Participant.school_id.in_(
                select(School.id).where(
                    or_(
                        func.lower(School.name_kk).contains(key, autoescape=True),
                        func.lower(School.name_ru).contains(key, autoescape=True),
                    )
                )
            ),
        )
    )


# --- people -------------------------------------------------------------------------------


def participants(
    session: AnySession, text: str, page_for: Callable[[int], W]
) -> tuple[list[Participant], W]:
    """Participants matching ``text``, in Kazakh alphabetical order."""
    query = _search_participants(select(Participant), text)
    load = [joinedload(Participant.school)]
    return _paged(session, query, page_for, Participant.sort_key, Participant.id, load=load)


def event_entries(
    session: AnySession, event: Event, text: str, status: str, page_for: Callable[[int], W]
) -> tuple[list[Entry], W]:
    """An event's entries matching ``text`` (and ``status`` when it is one), by subject and name."""
    query = (
        select(Entry)
        .join(Round, Entry.round_id == Round.id)
        .join(Subject, Round.subject_id == Subject.id)
        .join(Participant, Entry.participant_id == Participant.id)
        .where(Subject.event_id == event.id)
    )
    query = _search_participants(query, text)
    if status in {s.value for s in EntryStatus}:
        query = query.where(Entry.status == EntryStatus(status))
    load = [joinedload(Entry.participant).joinedload(Participant.school), joinedload(Entry.round)]
    order = (Subject.code, Participant.sort_key, Entry.id)
    return _paged(session, query, page_for, *order, load=load)


def entries_of(session: AnySession, participant: Participant) -> Sequence[Entry]:
    return (
        session.execute(
            select(Entry).where(Entry.participant_id == participant.id).order_by(Entry.id)
        )
        .scalars()
        .all()
    )


def rounds_newest_first(session: AnySession) -> Sequence[Round]:
    """Every round, newest event first: the rounds a participant may be entered in."""
    return (
        session.execute(
            select(Round)
            .join(Subject)
            .join(Event)
            .order_by(Event.id.desc(), Subject.code, Round.number)
        )
        .scalars()
        .all()
    )


def jurors(session: AnySession, text: str, page_for: Callable[[int], W]) -> tuple[list[Juror], W]:
    """Jurors whose name or organisation holds ``text``, in Kazakh alphabetical order."""
    query = select(Juror)
    if text:
        key = name_key(text)
        query = query.where(
            or_(
                Juror.search_key.contains(key, autoescape=True),
                func.lower(Juror.organisation).contains(key, autoescape=True),
            )
        )
    return _paged(session, query, page_for, Juror.sort_key, load=[joinedload(Juror.district)])


def events_newest_first(session: AnySession) -> Sequence[Event]:
    return session.execute(select(Event).order_by(Event.id.desc())).scalars().all()


def subjects_newest_first(session: AnySession) -> Sequence[Subject]:
    """Every subject, newest event first: the subjects a juror may mark."""
    return (
        session.execute(select(Subject).join(Event).order_by(Event.id.desc(), Subject.code))
        .scalars()
        .all()
    )


def juror_subject_ids(session: AnySession, juror: Juror) -> set[int]:
    return {
        js.subject_id
        for js in session.execute(
            select(JurorSubject).where(JurorSubject.juror_id == juror.id)
        ).scalars()
    }


# --- places -------------------------------------------------------------------------------


def school_choices(session: AnySession) -> list[tuple[int, str]]:
    """(id, "school — district") for every school, by its Kazakh name."""
    rows = session.execute(
        select(School).options(joinedload(School.district)).order_by(School.name_kk)
    ).scalars()
    return [(s.id, f"{s.name_kk} — {s.district.name_kk}") for s in rows]


def districts(session: AnySession) -> Sequence[District]:
    return session.execute(select(District).order_by(District.name_kk)).scalars().all()


def schools_per_district(session: AnySession) -> dict[int, int]:
    rows = session.execute(select(School.district_id, func.count()).group_by(School.district_id))
    return {district_id: count for district_id, count in rows.all()}


def schools(session: AnySession, text: str, page_for: Callable[[int], W]) -> tuple[list[School], W]:
    """Schools whose Kazakh or Russian name holds ``text``, by the Kazakh name."""
    query = select(School)
    if text:
        key = text.lower()
        query = query.where(
            or_(
                func.lower(School.name_kk).contains(key, autoescape=True),
                func.lower(School.name_ru).contains(key, autoescape=True),
            )
        )
    return _paged(session, query, page_for, School.name_kk, load=[joinedload(School.district)])


def venues(session: AnySession) -> Sequence[Venue]:
    return session.execute(select(Venue).order_by(Venue.name)).scalars().all()


# --- catalogue ----------------------------------------------------------------------------


def events_by_id(session: AnySession) -> Sequence[Event]:
    return session.execute(select(Event).order_by(Event.id)).scalars().all()


def events_latest_created(session: AnySession) -> Sequence[Event]:
    return session.execute(select(Event).order_by(Event.created_at.desc())).scalars().all()


def entries_per_round(session: AnySession, event: Event) -> dict[int, int]:
    """How many entries each of the event's rounds has (rounds without any included)."""
    rows = session.execute(
        select(Round.id, func.count(Entry.id))
        .join(Subject, Round.subject_id == Subject.id)
        .outerjoin(Entry, Entry.round_id == Round.id)
        .where(Subject.event_id == event.id)
        .group_by(Round.id)
    )
    return {round_id: count for round_id, count in rows.all()}


def entry_count(session: AnySession, round_: Round) -> int:
    query = select(func.count()).select_from(Entry).where(Entry.round_id == round_.id)
    return session.scalar(query) or 0


# --- imports ------------------------------------------------------------------------------


def recent_imports(session: AnySession, event: Event, kind: str) -> Sequence[ImportRun]:
    """The event's last ten uploads of this kind, newest first."""
    return (
        session.execute(
            select(ImportRun)
            .where(ImportRun.event_id == event.id, ImportRun.kind == kind)
            .order_by(ImportRun.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )


def latest_events_with_entries(
    session: AnySession, limit: int = 20
) -> tuple[Sequence[Event], dict[int, int]]:
    """The newest events and how many entries each has (the public home page shows them)."""
    counts = dict(
        session.execute(
            select(Subject.event_id, func.count(Entry.id))
            .join(Round, Round.subject_id == Subject.id)
            .join(Entry, Entry.round_id == Round.id)
            .group_by(Subject.event_id)
        ).all()
    )
    events = (
        session.execute(select(Event).order_by(Event.created_at.desc()).limit(limit))
        .scalars()
        .all()
    )
    return events, counts


# What the risk analysis reads of the registry (integrity.risk.services.facts): plain rows, no models.


def venue_entries(session: AnySession, round_ids: Sequence[int]) -> list[tuple[int, str, bool]]:
    """Each entry of the rounds seated at a venue: (venue id, venue name, disqualified)."""
    return [
        (venue_id, name, status is EntryStatus.DISQUALIFIED)
        for venue_id, name, status in session.execute(
            select(Venue.id, Venue.name, Entry.status)
            .join(Room, Room.venue_id == Venue.id)
            .join(Entry, Entry.room_id == Room.id)
            .where(Entry.round_id.in_(list(round_ids)))
        ).all()
    ]


def declared_jurors(session: AnySession) -> set[tuple[int, int]]:
    """(juror id, event id) of every signed declaration of relations."""
    return {(j, e) for j, e in session.execute(
        select(JurorDeclaration.juror_id, JurorDeclaration.event_id)
    ).all()}  # fmt: skip

"""Exports of an event's participants, in the import's own column layout, so an export re-imports
unchanged. Staff-only: the files hold IINs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from integrity import spreadsheets
from integrity.db import AnySession
from integrity.registry.models import Entry, Event, Participant, Round, School, Subject

# Kazakh column titles, which the importer reads back (it also reads Russian and English ones).
HEADER = (
    "ЖСН",
    "Тегі",
    "Аты",
    "Әкесінің аты",
    "Сынып",
    "Мектеп",
    "Аудан",
    "Пән",
    "Жетекші",
    "Заңды өкіл",
    "Келісім күні",
    "Жариялауға келісім",
    "Мәртебе",
)


def participant_rows(session: AnySession, event: Event) -> list[list[str]]:
    query = (
        select(Entry)
        .join(Round, Entry.round_id == Round.id)
        .join(Subject, Round.subject_id == Subject.id)
        .join(Participant, Entry.participant_id == Participant.id)
        .where(Subject.event_id == event.id)
        .options(
            joinedload(Entry.participant)
            .joinedload(Participant.school)
            .joinedload(School.district),
            joinedload(Entry.round).joinedload(Round.subject),
        )
        .order_by(Subject.code, Round.number, Participant.sort_key)
    )
    rows: list[list[str]] = []
    seen: set[tuple[int, int]] = set()
    for entry in session.execute(query).unique().scalars():
        p = entry.participant
        key = (p.id, entry.round.subject_id)
        if key in seen:  # one line per participant and subject, whatever the number of rounds
            continue
        seen.add(key)
        rows.append(
            [
                p.iin,
                p.surname,
                p.given_name,
                p.patronymic or "",
                str(p.grade),
                p.school.name_kk,
                p.school.district.name_kk,
                entry.round.subject.code,
                p.supervisor or "",
                p.consent_by or "",
                p.consent_date.isoformat() if p.consent_date else "",
                "yes" if p.consent_public else "no",
                entry.status.value,
            ]
        )
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    return spreadsheets.csv_bytes([HEADER, *rows])


def to_xlsx(rows: list[list[str]]) -> bytes:
    return spreadsheets.xlsx_bytes([("participants", [HEADER, *rows])])

"""Small builders for registry data, going through the real services (so audit events exist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrity.audit.chain import Actor
from integrity.registry.iin import make_iin
from integrity.registry.kinds import EventKind, Stage
from integrity.registry.models import District, Event, Round, School, Subject
from integrity.registry.services import catalogue, places

ACTOR = Actor(None, "test")


def iin(n: int, *, year: int = 2011, sex: str = "F") -> str:
    """The n-th valid IIN for a birth date in ``year`` (serials without a check digit skipped)."""
    serial = n
    while True:
        value = make_iin(dt.date(year, 3, 1 + n % 28), sex, serial % 10000)
        if value is not None:
            return value
        serial += 1000


def event(session: Any, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "title_kk": "Облыстық олимпиада",
        "title_ru": "Областная олимпиада",
        "title_en": None,
        "kind": EventKind.SUBJECT_OLYMPIAD,
        "stage": Stage.REGIONAL,
        "academic_year": "2026-2027",
    }
    fields.update(overrides)
    return catalogue.create_event(session, actor=ACTOR, **fields)


def subject_with_round(
    session: Any, ev: Event, code: str = "MATH", grades: tuple[int, int] = (9, 11)
) -> tuple[Subject, Round]:
    subject = catalogue.add_subject(
        session,
        actor=ACTOR,
        event=ev,
        code=code,
        name_kk="Математика",
        name_ru="Математика",
        name_en="Mathematics",
        grade_min=grades[0],
        grade_max=grades[1],
    )
    return subject, catalogue.add_round(session, actor=ACTOR, subject=subject)


def district(
    session: Any, name_kk: str = "Байзақ ауданы", name_ru: str = "Байзакский район"
) -> District:
    return places.add_district(session, actor=ACTOR, name_kk=name_kk, name_ru=name_ru)


def school(
    session: Any, d: District, name_kk: str = "№1 мектеп", name_ru: str = "Школа №1"
) -> School:
    return places.add_school(session, actor=ACTOR, district=d, name_kk=name_kk, name_ru=name_ru)

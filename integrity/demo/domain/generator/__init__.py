"""A generated demo event: the regional stage of the school subject olympiad in Zhambyl region.

Every person is made up from the name lists in :mod:`integrity.demo.domain.names`; IINs are valid
but generated. The output depends only on the ``random.Random`` passed in (and the arguments), so
the same seed always yields the same event.

The package: ``records`` (what it yields), ``people`` (adults and participants), ``schools`` and
``jurors`` (with planted conflicts of interest). Pure: standard library and
:mod:`integrity.registry.domain.iin` only.
"""

from __future__ import annotations

import random
from datetime import date

from integrity.demo.domain import names
from integrity.demo.domain.generator.jurors import JURORS_PER_SUBJECT, build_jurors
from integrity.demo.domain.generator.people import World
from integrity.demo.domain.generator.records import (
    DemoData,
    DemoDistrict,
    DemoEvent,
    DemoJuror,
    DemoParticipant,
    DemoRelation,
    DemoSchool,
    DemoSubject,
    DemoTask,
)
from integrity.demo.domain.generator.schools import build_schools

__all__ = [
    "JURORS_PER_SUBJECT",
    "MIN_JURORS",
    "MIN_PARTICIPANTS",
    "MIN_SCHOOLS",
    "DemoData",
    "DemoDistrict",
    "DemoEvent",
    "DemoJuror",
    "DemoParticipant",
    "DemoRelation",
    "DemoSchool",
    "DemoSubject",
    "DemoTask",
    "build_districts",
    "build_event",
    "build_subjects",
    "generate",
]

MIN_PARTICIPANTS = 60
MIN_SCHOOLS = len(names.DISTRICTS)
MIN_JURORS = 15


def generate(
    rng: random.Random,
    *,
    participants: int = 600,
    schools: int = 40,
    jurors: int = 30,
    today: date = date(2026, 11, 22),
) -> DemoData:
    """Generate a whole demo event; deterministic for a given ``rng`` state and arguments."""
    if participants < MIN_PARTICIPANTS or schools < MIN_SCHOOLS or jurors < MIN_JURORS:
        raise ValueError(
            f"need at least {MIN_PARTICIPANTS} participants, {MIN_SCHOOLS} schools"
            f" and {MIN_JURORS} jurors"
        )
    start_year = today.year if today.month >= 9 else today.year - 1
    subjects = build_subjects()
    world = World(rng, today, start_year, subjects, build_schools(rng, schools))
    world.make_participants(participants)
    return DemoData(
        event=build_event(start_year),
        subjects=subjects,
        districts=build_districts(),
        schools=tuple(world.schools),
        participants=tuple(world.pupils),
        jurors=build_jurors(world, jurors),
    )


def build_event(start_year: int) -> DemoEvent:
    """The event of the academic year that starts in September of ``start_year``."""
    kk, ru, en = (t.format(span=f"{start_year}–{start_year + 1}") for t in names.EVENT_TITLES)
    return DemoEvent(kk, ru, en, "subject_olympiad", "regional", f"{start_year}-{start_year + 1}")


def build_subjects() -> tuple[DemoSubject, ...]:
    def task(number: int, row: names.TaskRow) -> DemoTask:
        title_kk, title_ru, criteria = row
        nfc_criteria = tuple((names.nfc(text), points) for text, points in criteria)
        total = sum(points for _, points in criteria)
        russian = tuple(names.nfc(names.CRITERIA_RU[text]) for text, _ in criteria)
        return DemoTask(
            number, names.nfc(title_kk), names.nfc(title_ru), total, nfc_criteria, russian
        )

    return tuple(
        DemoSubject(code, names.nfc(kk), names.nfc(ru), en, lo, hi,
                    tuple(task(n, row) for n, row in enumerate(tasks, start=1)))
        for code, kk, ru, en, lo, hi, tasks in names.SUBJECTS
    )  # fmt: skip


def build_districts() -> tuple[DemoDistrict, ...]:
    return tuple(DemoDistrict(key, kk, ru, None) for key, kk, ru, _, _ in names.DISTRICTS)

"""Events, subjects, rounds, tasks and marking schemes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.kinds import EventKind, Stage, academic_year_problem
from integrity.registry.domain.scheme import scheme_digest, scheme_payload, wording_problem
from integrity.registry.models import Event, Round, Subject, Task, TaskCriterion


def _required(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_l("This field is required."), field=field)
    return text


def _event_fields(
    *,
    title_kk: str,
    title_ru: str,
    title_en: str | None,
    kind: EventKind,
    stage: Stage,
    academic_year: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    same_district_conflict: bool,
) -> dict[str, Any]:
    """An event's details, checked and cleaned; shared by creating and editing."""
    if academic_year_problem(academic_year.strip()):
        raise InvalidInput(_l("An academic year looks like 2026-2027."), field="academic_year")
    if starts_on and ends_on and ends_on < starts_on:
        raise InvalidInput(_l("The event cannot end before it starts."), field="ends_on")
    return {
        "title_kk": _required(title_kk, "title_kk"),
        "title_ru": _required(title_ru, "title_ru"),
        "title_en": (title_en or "").strip() or None,
        "kind": EventKind(kind),
        "stage": Stage(stage),
        "academic_year": academic_year.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "same_district_conflict": same_district_conflict,
    }


def create_event(
    session: AnySession,
    *,
    actor: Actor,
    title_kk: str,
    title_ru: str,
    title_en: str | None,
    kind: EventKind,
    stage: Stage,
    academic_year: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    same_district_conflict: bool = False,
) -> Event:
    event = Event(
        **_event_fields(
            title_kk=title_kk,
            title_ru=title_ru,
            title_en=title_en,
            kind=kind,
            stage=stage,
            academic_year=academic_year,
            starts_on=starts_on,
            ends_on=ends_on,
            same_district_conflict=same_district_conflict,
        )
    )
    session.add(event)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.create_event",
        subject=f"event:{event.id}",
        data={
            "title_kk": event.title_kk,
            "kind": event.kind.value,
            "stage": event.stage.value,
            "academic_year": event.academic_year,
        },
    )
    return event


def update_event(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    title_kk: str,
    title_ru: str,
    title_en: str | None,
    kind: EventKind,
    stage: Stage,
    academic_year: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    same_district_conflict: bool = False,
) -> None:
    """Change an event's details; records the fields that changed (nothing, if none did)."""
    wanted = _event_fields(
        title_kk=title_kk,
        title_ru=title_ru,
        title_en=title_en,
        kind=kind,
        stage=stage,
        academic_year=academic_year,
        starts_on=starts_on,
        ends_on=ends_on,
        same_district_conflict=same_district_conflict,
    )
    changed = {k: v for k, v in wanted.items() if getattr(event, k) != v}
    if not changed:
        return
    for key, value in changed.items():
        setattr(event, key, value)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.update_event",
        subject=f"event:{event.id}",
        data={k: v.isoformat() if isinstance(v, dt.date) else v for k, v in changed.items()},
    )


def add_subject(
    session: AnySession,
    *,
    actor: Actor,
    event: Event,
    code: str,
    name_kk: str,
    name_ru: str,
    name_en: str | None,
    grade_min: int,
    grade_max: int,
) -> Subject:
    code = _required(code, "code").upper()
    if not (1 <= grade_min <= grade_max <= 12):
        raise InvalidInput(
            _l("Grades run from 1 to 12, the first not above the last."), field="grade_max"
        )
    exists = session.scalar(
        select(func.count())
        .select_from(Subject)
        .where(Subject.event_id == event.id, Subject.code == code)
    )
    if exists:
        raise Conflict(
            _l("This event already has a subject with code %(code)s.", code=code), field="code"
        )
    subject = Subject(
        event=event,
        code=code,
        name_kk=_required(name_kk, "name_kk"),
        name_ru=_required(name_ru, "name_ru"),
        name_en=(name_en or "").strip() or None,
        grade_min=grade_min,
        grade_max=grade_max,
    )
    session.add(subject)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_subject",
        subject=f"subject:{subject.id}",
        data={"event_id": event.id, "code": code, "grades": [grade_min, grade_max]},
    )
    return subject


def add_round(
    session: AnySession,
    *,
    actor: Actor,
    subject: Subject,
    held_on: dt.date | None = None,
    answer_pages: int = 4,
) -> Round:
    if not 1 <= answer_pages <= 64:
        raise InvalidInput(_l("A booklet has 1 to 64 answer pages."), field="answer_pages")
    number = (
        session.scalar(select(func.max(Round.number)).where(Round.subject_id == subject.id)) or 0
    ) + 1
    round_ = Round(subject=subject, number=number, held_on=held_on, answer_pages=answer_pages)
    session.add(round_)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_round",
        subject=f"round:{round_.id}",
        data={"subject_id": subject.id, "number": number, "answer_pages": answer_pages},
    )
    return round_


CriterionSpec = tuple[str, str, int]  # description kk, description ru, max units


def _check_scheme(max_units: int, criteria: Sequence[CriterionSpec]) -> None:
    if max_units <= 0:
        raise InvalidInput(_l("The maximum must be above zero."), field="max_points")
    if criteria and sum(c[2] for c in criteria) != max_units:
        raise InvalidInput(
            _l("The criteria's points must add up to the task's maximum."), field="criteria"
        )
    for kk, ru, units in criteria:
        if wording_problem(kk, ru) or units <= 0:
            raise InvalidInput(
                _l(
                    "Each criterion needs a description (in Kazakh, in Russian or both) and "
                    "points above zero."
                ),
                field="criteria",
            )


def add_task(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    title_kk: str,
    title_ru: str,
    max_units: int,
    criteria: Sequence[CriterionSpec] = (),
    tolerance_units: int | None = None,
) -> Task:
    _check_scheme(max_units, criteria)
    number = (
        session.scalar(select(func.max(Task.number)).where(Task.round_id == round_.id)) or 0
    ) + 1
    task = Task(
        round=round_,
        number=number,
        title_kk=_required(title_kk, "title_kk"),
        title_ru=_required(title_ru, "title_ru"),
        max_units=max_units,
        tolerance_units=tolerance_units,
        criteria=[
            TaskCriterion(
                number=i, description_kk=kk.strip(), description_ru=ru.strip(), max_units=units
            )
            for i, (kk, ru, units) in enumerate(criteria, start=1)
        ],
    )
    session.add(task)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_task",
        subject=f"task:{task.id}",
        data={
            "round_id": round_.id,
            "number": number,
            "max_units": max_units,
            "criteria": [c[2] for c in criteria],
        },
    )
    return task


def set_scheme(
    session: AnySession,
    *,
    actor: Actor,
    task: Task,
    max_units: int,
    criteria: Sequence[CriterionSpec],
) -> None:
    """Replace a task's marking scheme; refused once marking has started (the scheme is frozen)."""
    if task.scheme_frozen_at is not None:
        raise Conflict(_l("The marking scheme is frozen: marking has started."))
    _check_scheme(max_units, criteria)
    task.max_units = max_units
    task.criteria.clear()
    session.flush()
    task.criteria.extend(
        TaskCriterion(
            number=i, description_kk=kk.strip(), description_ru=ru.strip(), max_units=units
        )
        for i, (kk, ru, units) in enumerate(criteria, start=1)
    )
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.set_scheme",
        subject=f"task:{task.id}",
        data={"max_units": max_units, "criteria": [c[2] for c in criteria]},
    )


def freeze_scheme(session: AnySession, *, actor: Actor, task: Task) -> None:
    if task.scheme_frozen_at is not None:
        return
    if not task.criteria:
        raise Conflict(_l("A task needs a marking scheme before it can be frozen."))
    task.scheme_frozen_at = utcnow()
    payload = frozen_payload(task)
    task.scheme_sha256 = scheme_digest(payload)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.freeze_scheme",
        subject=f"task:{task.id}",
        data={"sha256": task.scheme_sha256, "scheme": payload},
    )


def frozen_payload(task: Task) -> dict[str, Any]:
    """The canonical form of the task's scheme as it stands (its current version)."""
    return scheme_payload(
        max_units=task.max_units,
        version=task.scheme_version,
        criteria=[(c.number, c.max_units, c.description_kk, c.description_ru)
                  for c in task.criteria],
    )  # fmt: skip

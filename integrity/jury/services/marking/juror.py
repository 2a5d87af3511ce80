"""A juror's own marking: their works, the masked pages, drafts and the submission.

A juror reaches only their own assignments (anything else is "not found", so ids reveal nothing),
sees ciphers and masked pages only, and never another marker's points.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput, NotFound
from integrity.jury.models import Assignment, Mark
from integrity.jury.services.marking.reconciling import reconcile
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.models import Juror, Round, Task
from integrity.scans.models import PageStatus, ScanPage, Work
from integrity.settings import Settings
from integrity.storage import file_store


def juror_of(session: AnySession, user_id: int | None) -> Juror | None:
    if user_id is None:
        return None
    return session.execute(select(Juror).where(Juror.user_id == user_id)).scalar_one_or_none()


def own_assignment(session: AnySession, juror: Juror | None, assignment_id: int) -> Assignment:
    """The juror's own assignment; any other id is simply not found."""
    found = session.get(Assignment, assignment_id)
    if juror is None or found is None or found.juror_id != juror.id:
        raise NotFound(_l("No such work among yours."))
    return found


# A juror's works fall in three states; "todo" on the list means every work not yet submitted.
STATES = ("new", "draft", "submitted")
SHOWS = ("all", "todo", "draft", "submitted")


@dataclass(frozen=True)
class Line:
    assignment: Assignment
    cipher: str
    round: Round
    tasks: int
    marked: int  # tasks with a saved mark

    @property
    def submitted(self) -> bool:
        return self.assignment.submitted_at is not None

    @property
    def state(self) -> str:
        """new (nothing saved), draft (something saved) or submitted."""
        return "submitted" if self.submitted else "draft" if self.assignment.marks else "new"

    def shown_in(self, show: str) -> bool:
        return show == "all" or self.state == show or (show == "todo" and not self.submitted)


@dataclass(frozen=True)
class Works:
    """The juror's list: the lines of one filter, and how many works each filter holds."""

    lines: list[Line]
    counts: dict[str, int]  # by SHOWS
    show: str


def works(session: AnySession, juror: Juror, show: str) -> Works:
    """The juror's works filtered by ``show`` (one of SHOWS; anything else shows all)."""
    every = home(session, juror)
    show = show if show in SHOWS else "all"
    counts = {s: sum(1 for line in every if line.shown_in(s)) for s in SHOWS}
    return Works([line for line in every if line.shown_in(show)], counts, show)


def next_to_do(session: AnySession, juror: Juror, after: Assignment) -> Assignment | None:
    """The juror's next work still to do after ``after`` (by list order, wrapping round)."""
    waiting = list(
        session.execute(
            select(Assignment)
            .where(
                Assignment.juror_id == juror.id,
                Assignment.submitted_at.is_(None),
                Assignment.id != after.id,
            )
            .order_by(Assignment.id)
        ).scalars()
    )
    later = [a for a in waiting if a.id > after.id]
    chosen = later or waiting
    return chosen[0] if chosen else None


def home(session: AnySession, juror: Juror) -> list[Line]:
    """The juror's works: cipher and progress, nothing else."""
    lines = []
    for assignment in session.execute(
        select(Assignment)
        .where(Assignment.juror_id == juror.id)
        .options(selectinload(Assignment.marks), selectinload(Assignment.work))
        .order_by(Assignment.id)
    ).scalars():
        round_ = session.get(Round, assignment.work.round_id)
        assert round_ is not None
        tasks = tasks_of(round_, assignment)
        lines.append(Line(assignment, assignment.work.cipher, round_, len(tasks),
                          len({m.task_id for m in assignment.marks})))  # fmt: skip
    return lines


def tasks_of(round_: Round, assignment: Assignment) -> list[Task]:
    """What this marking covers: every task of the round, or a third marker's tasks only."""
    wanted = assignment.task_numbers
    return [t for t in sorted(round_.tasks, key=lambda t: t.number)
            if wanted is None or t.number in wanted]  # fmt: skip


def pages_of(session: AnySession, work: Work) -> list[ScanPage]:
    """The masked pages of a work, in page order (extra sheets after the kit's pages)."""
    return list(
        session.execute(
            select(ScanPage)
            .where(
                ScanPage.work_id == work.id,
                ScanPage.status.in_([PageStatus.ANSWER, PageStatus.EXTRA]),
                ScanPage.masked_sha256.isnot(None),
            )
            .order_by(ScanPage.page_no)
        ).scalars()
    )


def masked_page(session: AnySession, work: Work, number: int, *, settings: Settings) -> bytes:
    """Page ``number`` (from 1) of a work as its markers see it; NotFound beyond its pages."""
    pages = pages_of(session, work)
    if not 1 <= number <= len(pages):
        raise NotFound(_l("No such page."))
    digest = pages[number - 1].masked_sha256
    assert digest is not None  # pages_of keeps only pages with a masked copy
    return file_store(settings).read_bytes(digest)


def saved_values(assignment: Assignment) -> dict[tuple[int, int], int]:
    """(task id, criterion number) → units, of what the juror has saved."""
    values = {}
    for mark in assignment.marks:
        for number, units in json.loads(mark.criteria).items():
            values[mark.task_id, int(number)] = units
    return values


def save(
    session: AnySession,
    *,
    actor: Actor,
    assignment: Assignment,
    values: Mapping[tuple[int, int], int | None],
    submit: bool,
) -> None:
    """Save a draft, or submit (every criterion given). ``values``: (task id, criterion number) →
    units or None for a blank. A submitted marking is final for its author."""
    if assignment.submitted_at is not None:
        raise Refused(_l("This marking is submitted; only the chair can change it now."))
    round_ = session.get(Round, assignment.work.round_id)
    assert round_ is not None
    tasks = tasks_of(round_, assignment)
    _check(tasks, values, complete=submit)
    _write(session, assignment, tasks, values)
    if submit:
        assignment.submitted_at = utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.marks_submitted" if submit else "jury.marks_saved",
        subject=f"assignment:{assignment.id}",
        data={
            "cipher": assignment.work.cipher,
            "tasks": {str(m.task.number): m.units for m in assignment.marks},
        },
    )
    if submit:
        reconcile(session, actor=actor, work=assignment.work)


def _check(
    tasks: list[Task], values: Mapping[tuple[int, int], int | None], *, complete: bool
) -> None:
    for task in tasks:
        for criterion in task.criteria:
            units = values.get((task.id, criterion.number))
            if units is None:
                if complete:
                    raise InvalidInput(
                        _l(
                            "Task %(task)d, criterion %(c)d has no points; every criterion "
                            "needs them before you submit.",
                            task=task.number,
                            c=criterion.number,
                        ),
                        field=f"t{task.id}c{criterion.number}",
                    )
            elif not 0 <= units <= criterion.max_units:
                raise InvalidInput(
                    _l(
                        "Task %(task)d, criterion %(c)d: points go from 0 to %(max)s.",
                        task=task.number,
                        c=criterion.number,
                        max=units_to_points(criterion.max_units),
                    ),
                    field=f"t{task.id}c{criterion.number}",
                )


def _write(
    session: AnySession,
    assignment: Assignment,
    tasks: list[Task],
    values: Mapping[tuple[int, int], int | None],
) -> None:
    existing = {m.task_id: m for m in assignment.marks}
    for task in tasks:
        given = {
            str(c.number): values[task.id, c.number]
            for c in task.criteria
            if values.get((task.id, c.number)) is not None
        }
        mark = existing.get(task.id)
        if not given:
            if mark is not None:
                assignment.marks.remove(mark)
            continue
        if mark is None:
            mark = Mark(task_id=task.id, task=task, units=0, criteria="{}")
            assignment.marks.append(mark)
        mark.criteria = json.dumps(given, sort_keys=True)
        mark.units = sum(v for v in given.values() if v is not None)
        mark.updated_at = utcnow()

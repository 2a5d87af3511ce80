"""Marking: a juror's drafts and submissions, reconciliation, third markers, the chair's decisions.

A juror reaches only their own assignments (anything else is "not found", so ids reveal nothing),
sees ciphers and masked pages only, and never another marker's points.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from integrity.audit.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput, NotFound
from integrity.jury import domain
from integrity.jury import draw as algorithm
from integrity.jury.models import (
    Assignment,
    AssignmentRole,
    Draw,
    DrawState,
    Mark,
    MarksLock,
    ScoreStatus,
    TaskScore,
)
from integrity.jury.services.draws import manifest_of
from integrity.registry.domain.kinds import default_tolerance_units, units_to_points
from integrity.registry.models import Juror, Round, Task
from integrity.scans.models import PageStatus, ScanPage, Work
from integrity.settings import settings_of


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


def masked_page(session: AnySession, work: Work, number: int) -> bytes:
    """Page ``number`` (from 1) of a work as its markers see it; NotFound beyond its pages."""
    from integrity.storage import file_store

    pages = pages_of(session, work)
    if not 1 <= number <= len(pages):
        raise NotFound(_l("No such page."))
    digest = pages[number - 1].masked_sha256
    assert digest is not None  # pages_of keeps only pages with a masked copy
    return file_store(settings_of(current_app)).read_bytes(digest)


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


def tolerance(task: Task) -> int:
    if task.tolerance_units is not None:
        return task.tolerance_units
    return default_tolerance_units(task.max_units)


def _draw_of(session: AnySession, work: Work) -> Draw:
    draw = session.execute(
        select(Draw).where(Draw.round_id == work.round_id, Draw.state == DrawState.REVEALED)
    ).scalar_one()
    return draw


def reconcile(session: AnySession, *, actor: Actor, work: Work) -> list[TaskScore]:
    """Settle what the submitted marks allow, task by task, and draw a third marker (from the same
    seed) for tasks beyond tolerance. A chair's decision is never overwritten here."""
    draw = _draw_of(session, work)
    assignments = list(
        session.execute(
            select(Assignment)
            .where(Assignment.work_id == work.id)
            .options(selectinload(Assignment.marks))
        ).scalars()
    )
    markers = [a for a in assignments if a.role is AssignmentRole.MARKER]
    thirds = [a for a in assignments if a.role is AssignmentRole.THIRD]
    if any(a.submitted_at is None for a in markers):
        return []
    round_ = session.get(Round, work.round_id)
    assert round_ is not None
    scores = {
        s.task_id: s
        for s in session.execute(select(TaskScore).where(TaskScore.work_id == work.id)).scalars()
    }
    settled: list[TaskScore] = []
    need_third: list[Task] = []
    for task in sorted(round_.tasks, key=lambda t: t.number):
        marks = [_units(a, task) for a in markers]
        value: int | None
        if draw.mode == "panel" or len(marks) != 2:
            # A panel (or a draw with k other than two): no third marker, the trimmed mean.
            value = (
                domain.reconcile_panel(marks)
                if len(marks) in (3, 5, 7)
                else domain.mean_sixtieths(marks)
            )
            status = ScoreStatus.PANEL if draw.mode == "panel" else ScoreStatus.AGREED
        else:
            third = next((a for a in thirds if a.submitted_at is not None), None)
            third_units = _units(third, task) if third and task.number in (
                third.task_numbers or set()) else None  # fmt: skip
            outcome, value = domain.reconcile_pair(marks[0], marks[1], third_units, tolerance(task))
            status = ScoreStatus(outcome.value)
            if status is ScoreStatus.AWAITING_THIRD:
                need_third.append(task)
        score = scores.get(task.id)
        if score is not None and score.status is ScoreStatus.CHAIR:
            continue
        if score is None:
            score = TaskScore(work_id=work.id, task_id=task.id, status=status)
            session.add(score)
        score.status, score.sixtieths, score.updated_at = status, value, utcnow()
        settled.append(score)
    if need_third and not thirds:
        _draw_third(session, actor=actor, draw=draw, work=work, markers=markers, tasks=need_third,
                    scores=[s for s in settled if s.status is ScoreStatus.AWAITING_THIRD])  # fmt: skip
    session.flush()
    return settled


def _units(assignment: Assignment, task: Task) -> int:
    return next(m.units for m in assignment.marks if m.task_id == task.id)


def _draw_third(
    session: AnySession,
    *,
    actor: Actor,
    draw: Draw,
    work: Work,
    markers: list[Assignment],
    tasks: list[Task],
    scores: list[TaskScore],
) -> None:
    """The first juror of the work's third-marker order (drawn from the final seed: anyone can
    recompute it) who is not already marking it."""
    assert draw.final_seed is not None
    problem = algorithm.read_manifest(manifest_of(draw))
    order = algorithm.third_marker_order(
        problem, draw.final_seed, work.cipher, [a.juror_id for a in markers]
    )
    if not order:
        for score in scores:
            score.status = ScoreStatus.AWAITING_CHAIR
        record_event(session, actor=actor, action="jury.no_third_marker",
                     subject=f"work:{work.id}", data={"cipher": work.cipher})  # fmt: skip
        return
    third = Assignment(
        draw_id=draw.id,
        work_id=work.id,
        juror_id=order[0],
        role=AssignmentRole.THIRD,
        position=len(markers) + 1,
        tasks=",".join(str(t.number) for t in tasks),
    )
    session.add(third)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.third_marker_drawn",
        subject=f"assignment:{third.id}",
        data={"cipher": work.cipher, "juror_id": order[0], "tasks": [t.number for t in tasks]},
    )


def lock_marks(session: AnySession, *, round_id: int, grade: int) -> None:
    """Stop the marks of a round's grade from changing (its protocol is being frozen). Called by
    the protocols area at its freeze: the later area acts, marking only keeps the lock."""
    if session.get(MarksLock, (round_id, grade)) is None:
        session.add(MarksLock(round_id=round_id, grade=grade))
        session.flush()


def _before_the_protocol(session: AnySession, work_id: int) -> None:
    """Marks and reconciled scores change only until the work's protocol is frozen; after, a
    change is an appeal's score event (password and reason), never an edit here."""
    work = session.get(Work, work_id)
    assert work is not None
    if session.get(MarksLock, (work.round_id, work.grade)) is not None:
        raise Refused(
            _l("The protocol is frozen: a score changes now only through an appeal."),
            code="protocol_frozen",
        )


def chair_decide(
    session: AnySession, *, actor: Actor, score: TaskScore, units: int, reason: str
) -> TaskScore:
    """The chair settles a task the markers could not, with a written reason."""
    _before_the_protocol(session, score.work_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for the decision."), field="reason")
    if score.status is not ScoreStatus.AWAITING_CHAIR:
        raise Refused(_l("This task does not await the chair."))
    if not 0 <= units <= score.task.max_units:
        raise InvalidInput(
            _l("Points go from 0 to %(max)s.", max=units_to_points(score.task.max_units)),
            field="points",
        )
    score.status, score.sixtieths = ScoreStatus.CHAIR, units * domain.SIXTIETHS_PER_UNIT
    score.reason, score.decided_by_id, score.updated_at = reason, actor.id, utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.chair_decided",
        subject=f"task_score:{score.id}",
        data={"work_id": score.work_id, "task": score.task.number, "units": units,
              "reason": reason},
    )  # fmt: skip
    return score


def submitted_marking(
    session: AnySession, *, round_: Round, cipher: str, juror_id: int
) -> Assignment:
    found = session.execute(
        select(Assignment)
        .join(Work, Work.id == Assignment.work_id)
        .where(Work.round_id == round_.id, Work.cipher == cipher, Assignment.juror_id == juror_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(_l("That juror has no marking of that cipher in this round."))
    return found


def reopen_submitted(
    session: AnySession, *, actor: Actor, assignment: Assignment, reason: str
) -> None:
    """The chair returns a submitted marking to its author (a mistyped mark, say): the only way a
    submitted mark changes. An event with the reason; the scores it fed are reconciled again."""
    _before_the_protocol(session, assignment.work_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for returning the marking."), field="reason")
    if assignment.submitted_at is None:
        raise Refused(_l("This marking is not submitted."))
    assignment.submitted_at = None
    for score in session.execute(
        select(TaskScore).where(TaskScore.work_id == assignment.work_id)
    ).scalars():
        if score.status is not ScoreStatus.CHAIR:
            session.delete(score)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.marking_returned",
        subject=f"assignment:{assignment.id}",
        data={"cipher": assignment.work.cipher, "juror_id": assignment.juror_id,
              "reason": reason},
    )  # fmt: skip


@dataclass(frozen=True)
class JurorProgress:
    juror: Juror
    assigned: int
    submitted: int


def progress(session: AnySession, round_: Round) -> list[JurorProgress]:
    rows = session.execute(
        select(
            Assignment.juror_id,
            func.count(Assignment.id),
            func.count(Assignment.submitted_at),
        )
        .join(Work, Work.id == Assignment.work_id)
        .where(Work.round_id == round_.id)
        .group_by(Assignment.juror_id)
    ).all()
    jurors = {
        j.id: j
        for j in session.execute(select(Juror).where(Juror.id.in_([r[0] for r in rows]))).scalars()
    }
    return sorted(
        (JurorProgress(jurors[j], n, done) for j, n, done in rows),
        key=lambda p: p.juror.sort_key,
    )


def open_scores(session: AnySession, round_: Round) -> list[tuple[TaskScore, str]]:
    """Tasks awaiting a third marker or the chair, with their work's cipher."""
    return [
        (score, cipher)
        for score, cipher in session.execute(
            select(TaskScore, Work.cipher)
            .join(Work, Work.id == TaskScore.work_id)
            .where(
                Work.round_id == round_.id,
                TaskScore.status.in_([ScoreStatus.AWAITING_THIRD, ScoreStatus.AWAITING_CHAIR]),
            )
            .order_by(Work.cipher)
        ).all()
    ]


def statistics(session: AnySession, round_: Round) -> list[domain.JurorStats]:
    """Per juror, from submitted markings: deviation from co-markers, third-marker agreement."""
    by_work: dict[int, list[Assignment]] = {}
    for assignment in session.execute(
        select(Assignment)
        .join(Work, Work.id == Assignment.work_id)
        .where(Work.round_id == round_.id, Assignment.submitted_at.isnot(None))
        .options(selectinload(Assignment.marks))
    ).scalars():
        by_work.setdefault(assignment.work_id, []).append(assignment)
    tolerances = {t.id: tolerance(t) for t in round_.tasks}
    markings = []
    for group in by_work.values():
        first = [a for a in group if a.role is AssignmentRole.MARKER]
        for a in group:
            for mark in a.marks:
                others = tuple(
                    m.units
                    for b in first
                    if b is not a
                    for m in b.marks
                    if m.task_id == mark.task_id
                )
                markings.append(
                    domain.Marking(a.juror_id, mark.units, others, tolerances[mark.task_id],
                                   third=a.role is AssignmentRole.THIRD)
                )  # fmt: skip
    return domain.juror_statistics(markings)

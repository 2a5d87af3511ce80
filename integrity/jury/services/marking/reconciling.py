"""Reconciliation: settle each task from the submitted marks, and draw a third marker (from the
draw's seed, so anyone can recompute who) for tasks beyond tolerance."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.jury import domain
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import (
    Assignment,
    AssignmentRole,
    Draw,
    DrawState,
    ScoreStatus,
    TaskScore,
)
from integrity.jury.services.draws.inputs import manifest_of
from integrity.registry.domain.kinds import default_tolerance_units
from integrity.registry.models import Round, Task
from integrity.scans.models import Work


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

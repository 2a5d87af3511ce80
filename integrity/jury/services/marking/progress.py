"""What the chair watches while marking runs: progress per juror, the open discrepancies, and
each juror's statistics against their co-markers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from integrity.db import AnySession
from integrity.jury import domain
from integrity.jury.models import Assignment, AssignmentRole, ScoreStatus, TaskScore
from integrity.jury.services.marking.reconciling import tolerance
from integrity.registry.models import Juror, Round
from integrity.scans.models import Work


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

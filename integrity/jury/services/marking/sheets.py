"""What the chair reads of the markings themselves: each marker's points per task of a work (for
an appeal's commission and for a discrepancy), and each open discrepancy with its markers, its
third marker and the order the third markers are drawn in. Plain data; the chair's eyes only
(a juror never sees another marker's points)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.db import AnySession
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import (
    Assignment,
    AssignmentRole,
    Draw,
    DrawState,
    MarkingState,
    ScoreStatus,
    TaskScore,
)
from integrity.jury.services.draws.inputs import manifest_of
from integrity.jury.services.marking.reconciling import tolerance
from integrity.registry.models import Juror, Round
from integrity.scans.models import Work


@dataclass(frozen=True)
class MarkerPoints:
    """One juror's marking of one work: its state and, once submitted, the points per task."""

    assignment_id: int
    juror_id: int
    juror: str
    third: bool
    state: MarkingState
    points: dict[int, int]  # task id → units; submitted markings only
    task_numbers: frozenset[int] | None  # a third marker's tasks (None: every task)

    @property
    def submitted(self) -> bool:
        return self.state is MarkingState.SUBMITTED


def _sheet(assignment: Assignment) -> MarkerPoints:
    submitted = assignment.submitted_at is not None
    if submitted:
        state = MarkingState.SUBMITTED
    else:
        state = MarkingState.DRAFT if assignment.marks else MarkingState.NOT_STARTED
    numbers = assignment.task_numbers
    return MarkerPoints(
        assignment_id=assignment.id,
        juror_id=assignment.juror_id,
        juror=assignment.juror.full_name,
        third=assignment.role is AssignmentRole.THIRD,
        state=state,
        points={m.task_id: m.units for m in assignment.marks} if submitted else {},
        task_numbers=frozenset(numbers) if numbers else None,
    )


def markings_of(session: AnySession, work_ids: Sequence[int]) -> dict[int, list[MarkerPoints]]:
    """Each work's markings, first markers in the order drawn, then the third."""
    found: dict[int, list[MarkerPoints]] = {w: [] for w in work_ids}
    for assignment in session.execute(
        select(Assignment)
        .where(Assignment.work_id.in_(list(work_ids)))
        .options(selectinload(Assignment.marks), selectinload(Assignment.juror))
        .order_by(Assignment.work_id, Assignment.position)
    ).scalars():
        found[assignment.work_id].append(_sheet(assignment))
    return found


@dataclass(frozen=True)
class Discrepancy:
    """A task of a work the markers did not settle: who marked it, with what, and who comes next."""

    score_id: int
    work_id: int
    cipher: str
    task_id: int
    task_number: int
    tolerance: int  # units
    awaiting_chair: bool  # else awaiting a third marker
    markers: list[MarkerPoints]  # the first markers
    third: MarkerPoints | None  # the third marker drawn, if any
    order: list[str]  # the jurors a third marking is asked of, in the order drawn


def _orders(session: AnySession, round_: Round, works: dict[int, Work]) -> dict[int, list[str]]:
    """Per work: the third-marker order drawn from the round's final seed, by juror name."""
    draw = session.execute(
        select(Draw).where(Draw.round_id == round_.id, Draw.state == DrawState.REVEALED)
    ).scalar_one_or_none()
    if draw is None or draw.final_seed is None or draw.mode == "panel":
        return {}
    problem = algorithm.read_manifest(manifest_of(draw))
    markers: dict[int, list[int]] = {w: [] for w in works}
    for work_id, juror_id in session.execute(
        select(Assignment.work_id, Assignment.juror_id)
        .where(Assignment.work_id.in_(list(works)), Assignment.role == AssignmentRole.MARKER)
        .order_by(Assignment.position)
    ).all():
        markers[work_id].append(juror_id)
    orders = {
        w: algorithm.third_marker_order(problem, draw.final_seed, works[w].cipher, markers[w])
        for w in works
    }
    ids = {j for order in orders.values() for j in order}
    names = {
        j.id: j.full_name for j in session.execute(select(Juror).where(Juror.id.in_(ids))).scalars()
    }
    return {w: [names[j] for j in order if j in names] for w, order in orders.items()}


def discrepancies(session: AnySession, round_: Round) -> list[Discrepancy]:
    """The round's tasks awaiting a third marker or the chair, by cipher and task, each with the
    markers' points, the third marker and the drawn order of third markers."""
    rows = session.execute(
        select(TaskScore, Work)
        .join(Work, Work.id == TaskScore.work_id)
        .where(
            Work.round_id == round_.id,
            TaskScore.status.in_([ScoreStatus.AWAITING_THIRD, ScoreStatus.AWAITING_CHAIR]),
        )
        .options(selectinload(TaskScore.task))
    ).all()
    works = {work.id: work for _, work in rows}
    sheets = markings_of(session, list(works))
    orders = _orders(session, round_, works)
    found = [
        Discrepancy(
            score_id=score.id,
            work_id=work.id,
            cipher=work.cipher,
            task_id=score.task_id,
            task_number=score.task.number,
            tolerance=tolerance(score.task),
            awaiting_chair=score.status is ScoreStatus.AWAITING_CHAIR,
            markers=[s for s in sheets[work.id] if not s.third],
            third=next((s for s in sheets[work.id] if s.third), None),
            order=orders.get(work.id, []),
        )
        for score, work in rows
    ]
    return sorted(found, key=lambda d: (d.cipher, d.task_number))

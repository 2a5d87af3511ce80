"""What the jury's pages show, read in one call each: the views render it and query nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from integrity.db import AnySession
from integrity.jury import domain
from integrity.jury.models import (
    Assignment,
    Draw,
    DrawState,
    ScoreStatus,
    TaskScore,
    WorkConflict,
)
from integrity.jury.services import draws, marking
from integrity.registry.models import Juror, Round, Subject, Task
from integrity.scans.models import Work


@dataclass(frozen=True)
class DrawPage:
    draw: Draw | None  # the draw under way, or the one revealed
    manifest: dict[str, Any] | None
    pool: draws.Pool


def draw_page(session: AnySession, round_: Round) -> DrawPage:
    draw = draws.active_draw(session, round_)
    manifest = json.loads(draw.manifest) if draw else None
    return DrawPage(draw, manifest, draws.juror_pool(session, round_))


@dataclass(frozen=True)
class MarkingPage:
    progress: list[marking.JurorProgress]
    stats: list[domain.JurorStats]
    jurors: dict[int, Juror]  # the round's markers, by id
    discrepancies: list[marking.Discrepancy]

    @property
    def stats_by_juror(self) -> dict[int, domain.JurorStats]:
        return {s.juror_id: s for s in self.stats}


def marking_page(session: AnySession, round_: Round) -> MarkingPage:
    progress = marking.progress(session, round_)
    return MarkingPage(
        progress=progress,
        stats=marking.statistics(session, round_),
        jurors={p.juror.id: p.juror for p in progress},
        discrepancies=marking.discrepancies(session, round_),
    )


def score_of_round(session: AnySession, round_: Round, score_id: int) -> TaskScore | None:
    """A task score of this round, for the chair to decide; None for any other id."""
    score = session.get(TaskScore, score_id)
    scored = session.get(Work, score.work_id) if score is not None else None
    if score is None or scored is None or scored.round_id != round_.id:
        return None
    return score


@dataclass(frozen=True)
class WorkPage:
    assignment: Assignment
    round: Round
    tasks: list[Task]
    saved: dict[tuple[int, int], int]  # (task id, criterion number) → units saved
    pages: int  # masked pages to show
    next: Assignment | None  # the juror's next work still to do


def work_page(session: AnySession, juror: Juror | None, assignment_id: int) -> WorkPage:
    """A juror's own work to mark; any other id is not found."""
    assignment = marking.own_assignment(session, juror, assignment_id)
    round_ = session.get(Round, assignment.work.round_id)
    assert round_ is not None
    return WorkPage(
        assignment=assignment,
        round=round_,
        tasks=marking.tasks_of(round_, assignment),
        saved=marking.saved_values(assignment),
        pages=len(marking.pages_of(session, assignment.work)),
        next=marking.next_to_do(session, assignment.juror, assignment),
    )


def round_draws(session: AnySession, round_id: int) -> list[Draw]:
    """A round's draws in the order they were held (the public ledger lists them)."""
    return list(
        session.execute(select(Draw).where(Draw.round_id == round_id).order_by(Draw.id))
        .scalars()
        .all()
    )


# What the risk analysis reads of the jury (integrity.risk.services.facts): plain rows, no models.


def drawn_jurors(session: AnySession, round_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(juror id, event id) of every juror a revealed draw of the rounds assigned."""
    return {(j, e) for j, e in session.execute(
        select(Assignment.juror_id, Subject.event_id)
        .join(Draw, Draw.id == Assignment.draw_id)
        .join(Round, Round.id == Draw.round_id)
        .join(Subject, Subject.id == Round.subject_id)
        .where(Draw.round_id.in_(list(round_ids)), Draw.state == DrawState.REVEALED)
        .distinct()
    ).all()}  # fmt: skip


def conflicts_of_rounds(session: AnySession, round_ids: Sequence[int]) -> list[tuple[bool, bool]]:
    """Each recorded conflict of interest of the rounds' works: (found, yet assigned)."""
    ids = list(round_ids)
    assigned = set(session.execute(
        select(Assignment.work_id, Assignment.juror_id)
        .join(Work, Work.id == Assignment.work_id).where(Work.round_id.in_(ids))
    ).all())  # fmt: skip
    return [
        (True, (work_id, juror_id) in assigned)
        for work_id, juror_id in session.execute(
            select(WorkConflict.work_id, WorkConflict.juror_id)
            .join(Work, Work.id == WorkConflict.work_id).where(Work.round_id.in_(ids))
        ).all()
    ]  # fmt: skip


def task_score_counts(session: AnySession, round_ids: Sequence[int]) -> tuple[int, int]:
    """Task scores of the rounds, and how many needed a third marker."""
    ids = list(round_ids)
    scores = select(func.count()).select_from(TaskScore).join(Work, Work.id == TaskScore.work_id)
    total = session.execute(scores.where(Work.round_id.in_(ids))).scalar_one()
    thirds = session.execute(scores.where(
        Work.round_id.in_(ids),
        TaskScore.status.in_([ScoreStatus.MEDIAN, ScoreStatus.AWAITING_THIRD]),
    )).scalar_one()  # fmt: skip
    return total, thirds


def marker_deviations(session: AnySession, rounds: Sequence[Round]) -> list[tuple[float, int]]:
    """Each juror's mean deviation from the agreed scores over the rounds, and their markings."""
    by_juror: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for round_ in rounds:
        for stats in marking.statistics(session, round_):
            by_juror[stats.juror_id].append((stats.mean_deviation, stats.markings))
    return [
        (sum(d * n for d, n in rows) / max(1, sum(n for _, n in rows)), sum(n for _, n in rows))
        for rows in by_juror.values()
    ]

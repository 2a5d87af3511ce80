"""What the jury's pages show, read in one call each: the views render it and query nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from integrity.db import AnySession
from integrity.jury import domain
from integrity.jury.models import Assignment, Draw, TaskScore
from integrity.jury.services import draws, marking
from integrity.registry.models import Juror, Round, Task
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
    open_scores: list[tuple[TaskScore, str]]
    stats: list[domain.JurorStats]
    jurors: dict[int, Juror]  # the round's markers, by id


def marking_page(session: AnySession, round_: Round) -> MarkingPage:
    progress = marking.progress(session, round_)
    return MarkingPage(
        progress=progress,
        open_scores=marking.open_scores(session, round_),
        stats=marking.statistics(session, round_),
        jurors={p.juror.id: p.juror for p in progress},
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
    )


def round_draws(session: AnySession, round_id: int) -> list[Draw]:
    """A round's draws in the order they were held (the public ledger lists them)."""
    return list(
        session.execute(select(Draw).where(Draw.round_id == round_id).order_by(Draw.id))
        .scalars()
        .all()
    )

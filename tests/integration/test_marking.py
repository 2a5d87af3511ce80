"""Marking and reconciliation: drafts, submission, third markers from the same seed, the chair."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from integrity.errors import Conflict, InvalidInput
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import Assignment, AssignmentRole, ScoreStatus, TaskScore
from integrity.jury.services import draws, marking
from integrity.registry.models import Task
from integrity.scans.models import Work
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import ceremony, full_marks


def markers_of(session: Any, work: Work) -> list[Assignment]:
    return list(
        session.execute(
            select(Assignment)
            .where(Assignment.work_id == work.id, Assignment.role == AssignmentRole.MARKER)
            .order_by(Assignment.position)
        ).scalars()
    )


def scores_of(session: Any, work: Work) -> dict[int, TaskScore]:
    return {
        s.task.number: s
        for s in session.execute(select(TaskScore).where(TaskScore.work_id == work.id)).scalars()
    }


@pytest.fixture
def drawn(session: Any) -> tuple[f.DrawableRound, Any, Work]:
    world = f.drawable_round(session)
    draw = ceremony(session, world)
    work = session.execute(select(Work).order_by(Work.cipher)).scalars().first()
    return world, draw, work


def test_a_draft_keeps_blanks_and_a_submission_needs_every_criterion(
    session: Any, drawn: Any
) -> None:
    _, _, work = drawn
    a, _ = markers_of(session, work)
    task = session.execute(select(Task).order_by(Task.number)).scalars().first()
    with expect_events("jury.marks_saved"):
        marking.save(session, actor=f.ACTOR, assignment=a, values={(task.id, 1): 9}, submit=False)
    assert marking.saved_values(a) == {(task.id, 1): 9}
    with pytest.raises(InvalidInput) as refused:
        marking.save(session, actor=f.ACTOR, assignment=a, values={(task.id, 1): 9}, submit=True)
    assert refused.value.details["field"] == f"t{task.id}c2"
    with pytest.raises(InvalidInput):
        marking.save(session, actor=f.ACTOR, assignment=a, values={(task.id, 1): 15},
                     submit=False)  # fmt: skip
    marking.save(session, actor=f.ACTOR, assignment=a,
                 values=full_marks(session, a, {1: 10, 2: 6}), submit=True)  # fmt: skip
    with pytest.raises(Conflict):
        marking.save(session, actor=f.ACTOR, assignment=a,
                     values=full_marks(session, a, {1: 0, 2: 0}), submit=True)  # fmt: skip
    assert scores_of(session, work) == {}  # nothing is settled on one marker's word


def test_marks_within_tolerance_give_their_mean(session: Any, drawn: Any) -> None:
    _, _, work = drawn
    a, b = markers_of(session, work)
    # The tasks are out of 10 points (20 units): tolerance max(1, ⌈1.5⌉) = 2 points = 4 units.
    marking.save(session, actor=f.ACTOR, assignment=a,
                 values=full_marks(session, a, {1: 10, 2: 6}), submit=True)  # fmt: skip
    with expect_events("jury.marks_submitted"):
        marking.save(session, actor=f.ACTOR, assignment=b,
                     values=full_marks(session, b, {1: 13, 2: 10}), submit=True)  # fmt: skip
    scores = scores_of(session, work)
    assert scores[1].status is ScoreStatus.AGREED and scores[1].sixtieths == 345  # 5.75 points
    assert scores[2].status is ScoreStatus.AGREED and scores[2].sixtieths == 240  # 4 points


def test_a_discrepancy_draws_the_third_marker_the_seed_names_and_the_median_settles_it(
    session: Any, drawn: Any
) -> None:
    _, draw, work = drawn
    a, b = markers_of(session, work)
    marking.save(session, actor=f.ACTOR, assignment=a,
                 values=full_marks(session, a, {1: 4, 2: 6}), submit=True)  # fmt: skip
    with expect_events("jury.marks_submitted", "jury.third_marker_drawn"):
        marking.save(session, actor=f.ACTOR, assignment=b,
                     values=full_marks(session, b, {1: 14, 2: 6}), submit=True)  # fmt: skip
    scores = scores_of(session, work)
    assert scores[1].status is ScoreStatus.AWAITING_THIRD and scores[1].sixtieths is None
    assert scores[2].status is ScoreStatus.AGREED
    third = session.execute(
        select(Assignment).where(Assignment.role == AssignmentRole.THIRD)
    ).scalar_one()
    problem = algorithm.read_manifest(draws.manifest_of(draw))
    order = algorithm.third_marker_order(
        problem, draw.final_seed, work.cipher, [a.juror_id, b.juror_id]
    )
    assert third.juror_id == order[0] and third.juror_id not in (a.juror_id, b.juror_id)
    assert third.task_numbers == {1}
    marking.save(session, actor=f.ACTOR, assignment=third,
                 values=full_marks(session, third, {1: 12}), submit=True)  # fmt: skip
    scores = scores_of(session, work)
    assert scores[1].status is ScoreStatus.MEDIAN and scores[1].sixtieths == 12 * 30


def test_a_third_marker_far_from_both_leaves_the_task_to_the_chair(
    session: Any, drawn: Any
) -> None:
    _, _, work = drawn
    a, b = markers_of(session, work)
    marking.save(session, actor=f.ACTOR, assignment=a,
                 values=full_marks(session, a, {1: 0, 2: 6}), submit=True)  # fmt: skip
    marking.save(session, actor=f.ACTOR, assignment=b,
                 values=full_marks(session, b, {1: 20, 2: 6}), submit=True)  # fmt: skip
    third = session.execute(
        select(Assignment).where(Assignment.role == AssignmentRole.THIRD)
    ).scalar_one()
    marking.save(session, actor=f.ACTOR, assignment=third,
                 values=full_marks(session, third, {1: 10}), submit=True)  # fmt: skip
    score = scores_of(session, work)[1]
    assert score.status is ScoreStatus.AWAITING_CHAIR
    assert [(s.id, c) for s, c in marking.open_scores(session, drawn[0].round)] == [
        (score.id, work.cipher)
    ]
    with pytest.raises(InvalidInput):
        marking.chair_decide(session, actor=f.ACTOR, score=score, units=11, reason=" ")
    with expect_events("jury.chair_decided"):
        marking.chair_decide(session, actor=f.ACTOR, score=score, units=11,
                             reason="Read the solution again: half of step 2 holds")  # fmt: skip
    assert score.status is ScoreStatus.CHAIR and score.sixtieths == 330
    marking.reconcile(session, actor=f.ACTOR, work=work)
    assert scores_of(session, work)[1].status is ScoreStatus.CHAIR  # never overwritten


def test_a_panel_settles_on_the_median_of_three(session: Any) -> None:
    from integrity.registry.domain.kinds import EventKind

    world = f.drawable_round(session, kind=EventKind.ROBOTICS)
    ceremony(session, world)
    work = session.execute(select(Work).order_by(Work.cipher)).scalars().first()
    panel = markers_of(session, work)
    assert len(panel) == 3
    for assignment, total in zip(panel, (2, 18, 9), strict=True):
        marking.save(session, actor=f.ACTOR, assignment=assignment,
                     values=full_marks(session, assignment, {1: total, 2: total}),
                     submit=True)  # fmt: skip
    scores = scores_of(session, work)
    assert scores[1].status is ScoreStatus.PANEL and scores[1].sixtieths == 9 * 30


def test_statistics_show_each_jurors_deviation_from_the_co_markers(
    session: Any, drawn: Any
) -> None:
    world, _, work = drawn
    a, b = markers_of(session, work)
    marking.save(session, actor=f.ACTOR, assignment=a,
                 values=full_marks(session, a, {1: 10, 2: 10}), submit=True)  # fmt: skip
    marking.save(session, actor=f.ACTOR, assignment=b,
                 values=full_marks(session, b, {1: 12, 2: 12}), submit=True)  # fmt: skip
    stats = {s.juror_id: s for s in marking.statistics(session, world.round)}
    assert stats[a.juror_id].mean_deviation == -1.0  # a point below the co-marker, per task
    assert stats[b.juror_id].mean_deviation == 1.0
    assert [
        p.submitted for p in marking.progress(session, world.round) if p.juror.id == a.juror_id
    ] == [1]

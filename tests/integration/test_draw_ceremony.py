"""Conflicts written down at the scans' freeze, and the draw ceremony: seal, roll, reveal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from integrity.errors import Conflict, InvalidInput
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import (
    Assignment,
    ConflictDecision,
    DrawState,
    WorkConflict,
)
from integrity.jury.services import conflicts, draws
from integrity.registry.domain.kinds import RelationKind
from integrity.registry.services import people
from integrity.scans.models import Work
from integrity.scans.services import queue
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import JURY_STEPS, ceremony

ROOT = Path(__file__).resolve().parents[2]


def test_each_work_keeps_the_jurors_of_its_school_away_and_names_no_one(session: Any) -> None:
    world = f.drawable_round(session)
    works = session.execute(select(Work).where(Work.round_id == world.round.id)).scalars().all()
    assert len(works) == 6
    barred = {
        (row.work_id, row.juror_id) for row in session.execute(select(WorkConflict)).scalars()
    }
    # Six works over three schools; juror j teaches at school j mod 3: each work is barred to
    # the jurors of its school (two for schools 1 and 2, one for school 3).
    per_work = {w.id: {j for (wid, j) in barred if wid == w.id} for w in works}
    assert sorted(len(v) for v in per_work.values()) == [1, 1, 2, 2, 2, 2]
    school_of = {j.id: j.school_id for j in world.jurors}
    for jurors in per_work.values():
        assert len({school_of[j] for j in jurors}) == 1


def test_a_potential_conflict_blocks_the_freeze_until_the_chair_decides_it(session: Any) -> None:
    world = f.drawable_round(session, freeze=False)
    juror = world.jurors[1]
    # A relation declared by name only: a potential conflict, for the chair to decide.
    first = sorted(
        (r.entry for r in conflicts.check_round(session, world.round).rows), key=lambda e: e.id
    )[0]
    people.declare_relation(
        session,
        actor=f.ACTOR,
        juror=juror,
        kind=RelationKind.RELATIVE,
        full_name=first.participant.full_name,
    )
    report = conflicts.check_round(session, world.round)
    assert [(r.juror.id, r.entry.id) for r in report.undecided] == [(juror.id, first.id)]
    assert not queue.freeze_check(
        session, world.round, JURY_STEPS, settings=settings_of(current_app)
    ).ready
    with pytest.raises(Conflict):
        queue.freeze_round(
            session,
            actor=f.ACTOR,
            round_=world.round,
            steps=JURY_STEPS,
            settings=settings_of(current_app),
        )

    with pytest.raises(InvalidInput):
        conflicts.decide(session, actor=f.ACTOR, round_=world.round, juror_id=juror.id,
                         entry_id=first.id, confirmed=True, reason="  ")  # fmt: skip
    with expect_events("jury.conflict_confirmed"):
        conflicts.decide(session, actor=f.ACTOR, round_=world.round, juror_id=juror.id,
                         entry_id=first.id, confirmed=True, reason="Her aunt, by phone")  # fmt: skip
    assert queue.freeze_check(
        session, world.round, JURY_STEPS, settings=settings_of(current_app)
    ).ready
    queue.freeze_round(
        session,
        actor=f.ACTOR,
        round_=world.round,
        steps=JURY_STEPS,
        settings=settings_of(current_app),
    )
    assert session.scalar(select(ConflictDecision.reason)) == "Her aunt, by phone"
    barred_jurors = {row.juror_id for row in session.execute(select(WorkConflict)).scalars()}
    assert juror.id in barred_jurors
    with pytest.raises(Conflict):  # after the freeze a decision could no longer be applied
        conflicts.decide(session, actor=f.ACTOR, round_=world.round, juror_id=juror.id,
                         entry_id=first.id, confirmed=False, reason="no")  # fmt: skip


def test_the_ceremony_runs_in_order_and_anyone_can_recompute_it(
    session: Any, tmp_path: Path
) -> None:
    world = f.drawable_round(session)
    with expect_events("jury.draw_frozen"):
        draw = draws.freeze(session, actor=f.ACTOR, round_=world.round)
    manifest = json.loads(draw.manifest)
    assert manifest["mode"] == "double" and manifest["k"] == 2
    assert len(manifest["works"]) == 6 and len(manifest["jurors"]) == 5
    text = draw.manifest
    assert "Оқушы" not in text and "Мұғалім" not in text  # ciphers and ids only
    with pytest.raises(Conflict):
        draws.reveal(
            session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app)
        )  # not before the commitment
    with expect_events("jury.draw_committed"):
        draws.commit(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))
    assert draw.commitment and draw.secret is None
    with pytest.raises(Conflict):
        draws.commit(
            session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app)
        )  # not twice
    draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="Observer A", value="6 6 2")
    with pytest.raises(Conflict):
        draws.reveal(
            session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app)
        )  # one contribution is not enough
    with pytest.raises(InvalidInput):
        draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="observer a", value="1")
    draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="Parent B", value=" 4 1  3 ")
    with expect_events("jury.draw_revealed"):
        draws.reveal(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))
    assert draw.state is DrawState.REVEALED
    with pytest.raises(Conflict):
        draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="Late C", value="5")
    with pytest.raises(Conflict):
        draws.cancel(session, actor=f.ACTOR, draw=draw, reason="did not like it")

    assignments = session.execute(select(Assignment)).scalars().all()
    assert len(assignments) == 12
    barred = {(r.work_id, r.juror_id) for r in session.execute(select(WorkConflict)).scalars()}
    assert not any((a.work_id, a.juror_id) in barred for a in assignments)

    record = tmp_path / "draw.json"
    record.write_text(json.dumps(draws.published_record(draw, with_manifest=True)))
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "scripts" / "verify_draw.py"), str(record),
         "--assignment"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"final seed:        {draw.final_seed}" in done.stdout
    assert f"assignment sha256: {draw.assignment_sha256}" in done.stdout
    assert algorithm.commitment(draw.secret) == draw.commitment
    printed = json.loads(done.stdout[done.stdout.index("{") :])
    ciphers = {w.id: w.cipher for w in session.execute(select(Work)).scalars()}
    server = {}
    for a in sorted(assignments, key=lambda a: a.position):
        server.setdefault(ciphers[a.work_id], []).append(a.juror_id)
    assert printed["works"] == server


def test_inputs_that_change_after_the_freeze_are_refused_and_the_draw_can_be_cancelled(
    session: Any,
) -> None:
    world = f.drawable_round(session)
    draw = draws.freeze(session, actor=f.ACTOR, round_=world.round)
    draws.commit(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))
    # A juror's school changes after the conflict check: they drop out of the pool, so the
    # inputs no longer give the frozen manifest.
    world.jurors[0].school_id = world.schools[1].id
    session.flush()
    draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="A", value="1 2 3")
    draws.contribute(session, actor=f.ACTOR, draw=draw, contributor="B", value="4 5 6")
    with pytest.raises(Conflict) as refused:
        draws.reveal(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))
    assert refused.value.details["code"] == "inputs_changed"
    with pytest.raises(Conflict):
        draws.freeze(session, actor=f.ACTOR, round_=world.round)  # one draw at a time
    with expect_events("jury.draw_cancelled"):
        draws.cancel(session, actor=f.ACTOR, draw=draw, reason="a juror moved school")
    assert draw.secret_sealed is None and draw.secret is None
    again = draws.freeze(session, actor=f.ACTOR, round_=world.round)
    assert world.jurors[0].id not in {j["id"] for j in json.loads(again.manifest)["jurors"]}
    pool = draws.juror_pool(session, world.round)
    assert [j.id for j, _ in pool.left_out] == [world.jurors[0].id]


def test_a_stored_manifest_edited_behind_the_servers_back_is_refused(session: Any) -> None:
    world = f.drawable_round(session)
    draw = draws.freeze(session, actor=f.ACTOR, round_=world.round)
    draw.manifest = draw.manifest.replace('"k":2', '"k":1')
    with pytest.raises(Conflict):
        draws.commit(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))


def test_a_round_with_too_few_free_jurors_is_refused_at_the_freeze_naming_the_work(
    session: Any,
) -> None:
    world = f.drawable_round(session, jurors=3)  # one juror per school: each work has two free
    with pytest.raises(InvalidInput) as refused:
        draws.freeze(session, actor=f.ACTOR, round_=world.round, size=3)
    details = refused.value.details
    assert details["code"] == "work_short" and details["eligible"] == 2 and details["needed"] == 3
    assert session.scalar(select(Work).where(Work.cipher == details["work"])) is not None
    assert details["work"] in str(refused.value.message)  # named, in the user's language


def test_a_panel_is_drawn_for_a_creative_contest(session: Any) -> None:
    from integrity.registry.domain.kinds import EventKind

    world = f.drawable_round(session, kind=EventKind.CREATIVE_CONTEST)
    draw = ceremony(session, world)
    assert draw.mode == "panel"
    per_work: dict[int, list[int]] = {}
    for a in session.execute(select(Assignment)).scalars():
        per_work.setdefault(a.work_id, []).append(a.juror_id)
    assert all(len(v) == 3 for v in per_work.values())


def test_the_ceremony_runs_from_the_command_line_too(
    app: Any, session: Any, tmp_path: Path
) -> None:
    world = f.drawable_round(session)
    run = app.test_cli_runner().invoke
    round_id = str(world.round.id)
    listed = run(args=["jury", "conflicts", "--round", round_id, "--json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert data["undecided"] == 0 and all(c["hard"] for c in data["conflicts"])
    assert len(data["conflicts"]) == 10  # six pupils over three schools, five jurors
    early = run(args=["jury", "draw", "reveal", "--round", round_id])
    assert early.exit_code != 0
    for args in (
        ["freeze"],
        ["commit"],
        ["contribute", "--name", "Observer A", "--value", "6 6 2"],
        ["contribute", "--name", "Parent B", "--value", "4 1 3"],
        ["reveal", "--json"],
    ):
        result = run(args=["jury", "draw", *args, "--round", round_id])
        assert result.exit_code == 0, (args, result.output)
    shown = json.loads(result.output)
    record = tmp_path / "record.json"
    assert (
        run(args=["jury", "draw", "show", "--round", round_id, "--record", str(record)]).exit_code
        == 0
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "scripts" / "verify_draw.py"), str(record)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"assignment sha256: {shown['assignment_sha256']}" in done.stdout

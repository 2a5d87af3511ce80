from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.audit.services import verify
from integrity.registry.iin import is_valid_iin
from integrity.registry.models import (
    District,
    Juror,
    JurorDeclaration,
    JurorRelation,
    Participant,
    School,
    Subject,
)


def count(session: Any, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_loads_a_realistic_olympiad_and_rebuilds_on_reset(
    app: Flask, session: Any
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--no-scans"])
    assert result.exit_code == 0, result.output
    assert count(session, Subject) >= 6
    assert count(session, District) == 10
    assert count(session, School) == 40
    assert count(session, Participant) == 600
    assert count(session, Juror) == 30
    assert count(session, JurorRelation) >= 3
    assert 0 < count(session, JurorDeclaration) < 30
    assert all(is_valid_iin(iin) for iin in session.scalars(select(Participant.iin)))
    roles = {r for u in session.scalars(select(User)) for r in u.roles}
    assert roles == set(Role)
    for username in ("admin", "organiser", "itspec", "chair", "director", "observer", "juror01"):
        assert username in result.output
    assert verify(session).ok

    again = runner.invoke(args=["demo", "--no-scans"])
    assert again.exit_code == 1
    assert "--reset" in again.output
    assert runner.invoke(args=["demo", "--if-empty", "--no-scans"]).exit_code == 0

    session.remove()
    reset = runner.invoke(args=["demo", "--reset", "--yes", "--no-scans"])
    assert reset.exit_code == 0, reset.output
    assert count(session, Participant) == 600
    assert verify(session).ok


def test_the_demo_scan_step_freezes_one_round_and_offers_realistic_scans_for_another(
    app: Flask, session: Any
) -> None:
    from integrity.demo.loader import load_demo
    from integrity.demo.scans import demo_scans_path
    from integrity.scans.models import ScanRound, Work
    from integrity.scans.services.queue import queue

    event = load_demo(session, participants=60)
    session.commit()
    states = session.query(ScanRound).all()
    frozen = [s for s in states if s.frozen_at is not None]
    assert len(frozen) == 1 and frozen[0].ledger_hash
    waiting = [s for s in states if s.frozen_at is None]
    assert len(waiting) == 1
    assert demo_scans_path(waiting[0].round_id).stat().st_size > 10_000
    assert session.query(Work).filter(Work.round_id == frozen[0].round_id).count() > 0
    assert queue(session, waiting[0].round) == []  # nothing uploaded for it yet
    assert event.id

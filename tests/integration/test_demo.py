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
    result = runner.invoke(args=["demo"])
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

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1
    assert "--reset" in again.output
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0

    session.remove()
    reset = runner.invoke(args=["demo", "--reset", "--yes"])
    assert reset.exit_code == 0, reset.output
    assert count(session, Participant) == 600
    assert verify(session).ok

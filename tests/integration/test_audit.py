from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.audit.services import chain_head, record_event, verify
from tests.conftest import Users


def test_events_chain_onto_each_other_and_move_the_head(session: Any) -> None:
    first = record_event(
        session, actor=Actor(None, "test"), action="registry.add_school", subject="school:1"
    )
    second = record_event(
        session,
        actor=Actor(None, "test"),
        action="registry.add_school",
        subject="school:2",
        data={"name": "Әйгерім"},
    )
    session.commit()
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert chain_head(session) == (2, second.hash)
    assert verify(session).ok


def test_actions_must_be_named_area_dot_verb(session: Any) -> None:
    with pytest.raises(ValueError, match=r"area\.verb"):
        record_event(session, actor=Actor(None, "test"), action="AddSchool", subject="school:1")


def test_a_row_edited_behind_the_applications_back_is_caught_and_named(
    app: Flask, users: Users, session: Any
) -> None:
    for _ in range(4):
        users.make(Role.OBSERVER)
    session.execute(
        text(
            'UPDATE audit_event SET data = \'{"username":"mallory","roles":["admin"]}\' WHERE seq = 3'
        )
    )
    session.commit()
    report = verify(session)
    assert not report.ok
    assert report.first_broken == 3

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 3" in result.output


def test_deleting_the_newest_event_is_caught(app: Flask, users: Users, session: Any) -> None:
    users.make(Role.OBSERVER)
    users.make(Role.OBSERVER)
    session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    session.commit()
    report = verify(session)
    assert not report.ok
    assert report.first_broken == 2


def test_audit_verify_reports_an_intact_chain_as_json(app: Flask, users: Users) -> None:
    users.make(Role.ADMIN)
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--json"])
    assert result.exit_code == 0, result.output
    assert '"ok": true' in result.output
    assert '"events": 1' in result.output


def test_the_audit_log_page_lists_events_for_observers(client: Any, as_role: Any) -> None:
    as_role(Role.OBSERVER)
    page = client.get("/audit/").get_data(as_text=True)
    assert "accounts.create_user" in page
    verdict = client.post("/audit/verify").get_data(as_text=True)
    assert "verdict ok" in verdict


def test_simultaneous_units_of_work_each_append_their_event_none_lost(app: Flask) -> None:
    """Sixteen sessions read something, then append and commit at the same moment, five times
    each: on SQLite this failed on the sequence number's uniqueness for all but one of them."""
    import threading

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from integrity.audit.models import AuditEvent
    from integrity.extensions import db

    record_event(db.session, actor=Actor(None, "test"), action="test.start", subject="x")
    db.session.commit()
    start = threading.Barrier(16)
    errors: list[str] = []

    def client(n: int) -> None:
        with app.app_context(), Session(db.engine) as session:
            start.wait()
            for i in range(5):
                try:
                    session.execute(select(AuditEvent.seq).limit(1)).all()  # a read comes first
                    record_event(
                        session, actor=Actor(None, "test"), action="test.hit", subject=f"{n}/{i}"
                    )
                    session.commit()
                except Exception as exc:  # noqa: BLE001  (counted: the test's point)
                    session.rollback()
                    errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    seqs = db.session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq)).scalars().all()
    assert len(seqs) == 1 + 16 * 5 and seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert verify(db.session).ok

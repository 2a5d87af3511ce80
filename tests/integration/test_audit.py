from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from integrity.accounts.domain import Role
from integrity.audit.domain import Actor
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


# -- rollbacks: the chain against the heads it was seen with ------------------------------------


def events(n: int) -> list[Any]:
    from integrity.extensions import db

    made = [record_event(db.session, actor=Actor(None, "t"), action="test.step", subject=f"s:{k}")
            for k in range(n)]  # fmt: skip
    db.session.commit()
    return made


def rewrite_from(session: Any, seq: int) -> None:
    """What an operator with the database can do: change event ``seq`` and recompute every later
    hash and the head, so that the chain alone is consistent again."""
    from integrity.audit.domain import GENESIS, EventRecord, event_hash
    from integrity.audit.models import AuditEvent, AuditHead

    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
    rows[seq - 1].subject = "s:rewritten"
    prev = rows[seq - 2].hash if seq > 1 else GENESIS
    for row in rows[seq - 1 :]:
        record = EventRecord(row.seq, row.at, row.actor_id, row.actor, row.action, row.subject,
                             row.data, prev, "")  # fmt: skip
        row.prev_hash, row.hash = prev, event_hash(prev, record.payload())
        prev = row.hash
    session.get(AuditHead, 1).hash = prev
    session.commit()


def cut_back_to(session: Any, seq: int) -> None:
    """Delete every event after ``seq`` and roll the stored head back to it."""
    from integrity.audit.models import AuditEvent, AuditHead

    kept = session.execute(select(AuditEvent).where(AuditEvent.seq == seq)).scalar_one()
    session.execute(text("DELETE FROM audit_event WHERE seq > :seq"), {"seq": seq})
    head = session.get(AuditHead, 1)
    head.seq, head.hash = seq, kept.hash
    session.commit()


def test_deleting_the_newest_event_with_the_stored_head_is_caught(session: Any) -> None:
    events(3)
    session.execute(text("DELETE FROM audit_event WHERE seq = 3"))
    session.execute(text("DELETE FROM audit_head"))
    session.commit()
    report = verify(session)
    assert not report.ok and "stored head is missing" in report.reason


def test_a_chain_cut_back_behind_a_published_head_is_caught(app: Flask, session: Any) -> None:
    from integrity.audit.services import recorded_heads
    from integrity.audit.wiring import head_sources_of
    from integrity.scans.models import ScanRound
    from tests import factories as f

    made = events(5)
    _, round_ = f.subject_with_round(session, f.event(session))
    session.add(ScanRound(round_id=round_.id, chain_head=made[3].hash, ledger_hash="ab" * 32))
    session.commit()
    assert verify(session, published=recorded_heads(session, head_sources_of(app))).ok
    cut_back_to(session, 3)
    assert verify(session).ok  # the chain alone cannot tell
    report = verify(session, published=recorded_heads(session, head_sources_of(app)))
    assert not report.ok and f"the ledger of round {round_.id}" in report.reason

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "was published is not in the chain" in result.output


def test_a_chain_rewritten_before_a_published_head_is_caught(app: Flask, session: Any) -> None:
    from integrity.audit.services import recorded_heads
    from integrity.audit.wiring import head_sources_of
    from integrity.scans.models import ScanRound
    from tests import factories as f

    made = events(5)
    _, round_ = f.subject_with_round(session, f.event(session))
    session.add(ScanRound(round_id=round_.id, chain_head=made[3].hash, ledger_hash="ab" * 32))
    session.commit()
    rewrite_from(session, 2)
    assert verify(session).ok  # consistent again, head included
    assert not verify(session, published=recorded_heads(session, head_sources_of(app))).ok


def test_a_head_an_observer_saved_catches_a_cut_back_chain(
    app: Flask, session: Any, tmp_path: Any
) -> None:
    made = events(6)
    saved = tmp_path / "heads.txt"
    saved.write_text(
        f"# from the home page\n2 {made[1].hash}\n5 {made[4].hash}\n", encoding="utf-8"
    )
    ok = app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(saved)])
    assert ok.exit_code == 0 and "2 saved heads" in ok.output
    cut_back_to(session, 4)
    cut = app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(saved)])
    assert cut.exit_code == 1 and "shorter than the head an observer saved at event 5" in cut.output
    rewrite_from(session, 1)
    rewritten = app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(saved)])
    assert rewritten.exit_code == 1 and "event 2" in rewritten.output


def test_a_malformed_file_of_saved_heads_is_refused_naming_the_line(
    app: Flask, session: Any, tmp_path: Any
) -> None:
    events(1)
    saved = tmp_path / "heads.txt"
    saved.write_text("1 abc\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--against", str(saved)])
    assert result.exit_code == 2 and "line 1" in result.output


def test_draws_and_the_diploma_status_list_record_the_head_they_were_published_with(
    app: Flask, session: Any, users: Users
) -> None:
    from integrity.audit.services import recorded_heads
    from integrity.audit.wiring import head_sources_of
    from tests.factories import issued_batch

    issued_batch(session, users)  # a round drawn and marked, its protocol final, diplomas issued
    session.commit()
    heads = recorded_heads(session, head_sources_of(app))
    labels = set(heads.values())
    assert {"the diploma status list"} <= labels and any(v.startswith("the draw ") for v in labels)
    assert verify(session, published=heads).ok
    cut_back_to(session, 3)
    report = verify(session, published=recorded_heads(session, head_sources_of(app)))
    assert not report.ok and "was published is not in the chain" in report.reason

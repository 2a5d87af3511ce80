"""Appeals: the access code opens one's own work; one appeal inside the window; a drawn commission
decides; a change is a score event and a new protocol version."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.errors import Conflict, InvalidInput, NotFound
from integrity.jury.models import Assignment, WorkConflict
from integrity.protocols import services as protocols
from integrity.protocols.labels import version_reason
from integrity.protocols.models import ScoreEvent
from integrity.protocols.services import appeals
from integrity.registry.models import Task
from integrity.scans.domain.codes import format_access_code
from integrity.scans.models import Booklet, Work
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import PASSWORD, expect_events
from tests.factories import marked_round, published


def code_and_work(session: Any) -> tuple[str, Work]:
    """Some kit's access code and the work read from that kit (found through the vault's own
    sealed link would need the chair; here the test asks which work the code opens)."""
    booklet = (
        session.execute(select(Booklet).where(Booklet.has_work.is_(True)).order_by(Booklet.id))
        .scalars()
        .first()
    )
    code = access_code_of(booklet, settings=settings_of(current_app))
    return code, appeals.find_work(session, code, settings=settings_of(current_app))


def test_an_access_code_opens_exactly_one_work_and_a_miss_says_nothing_more(session: Any) -> None:
    marked_round(session)
    codes = [access_code_of(b, settings=settings_of(current_app)) for b in session.execute(
        select(Booklet).where(Booklet.has_work.is_(True))).scalars()]  # fmt: skip
    works = {appeals.find_work(session, c, settings=settings_of(current_app)).id for c in codes}
    assert len(works) == len(codes) == 6
    typed = format_access_code(codes[0]).lower().replace("0", "o")  # as people type it
    assert (
        appeals.find_work(session, typed, settings=settings_of(current_app)).id
        == appeals.find_work(session, codes[0], settings=settings_of(current_app)).id
    )
    mistyped = codes[0][:-1] + ("A" if codes[0][-1] != "A" else "B")
    for bad in (mistyped, "", "not a code at all"):
        with pytest.raises(NotFound) as miss:
            appeals.find_work(session, bad, settings=settings_of(current_app))
        assert miss.value.details == {"field": "code"}


def test_an_appeal_is_filed_once_inside_the_window_and_gets_an_odd_free_commission(
    session: Any,
) -> None:
    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    _code, work = code_and_work(session)
    with pytest.raises(Conflict) as early:  # not published yet
        appeals.file_appeal(session, work=work, reason="Task 2", filed_as="participant")
    assert early.value.details["code"] == "window_closed"
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    late = protocol.appeals_until + dt.timedelta(seconds=1)
    with pytest.raises(Conflict):
        appeals.file_appeal(session, work=work, reason="Task 2", filed_as="participant", now=late)
    with pytest.raises(InvalidInput):
        appeals.file_appeal(session, work=work, reason="  ", filed_as="participant")
    with expect_events("appeals.filed"):
        appeal = appeals.file_appeal(session, work=work, reason="Task 2 was not read to the end",
                                     filed_as="supervisor")  # fmt: skip
    members = appeal.commission_ids
    assert len(members) % 2 == 1
    markers = set(session.execute(
        select(Assignment.juror_id).where(Assignment.work_id == work.id)).scalars())  # fmt: skip
    barred = set(session.execute(
        select(WorkConflict.juror_id).where(WorkConflict.work_id == work.id)).scalars())  # fmt: skip
    assert not set(members) & (markers | barred)
    with pytest.raises(Conflict) as again:
        appeals.file_appeal(session, work=work, reason="Once more", filed_as="participant")
    assert again.value.details["code"] == "second_appeal"


def test_a_decision_needs_the_password_and_a_raise_is_a_score_event_and_a_new_version(
    session: Any, users: Any
) -> None:
    _world, protocol = published(session)
    _code, work = code_and_work(session)
    appeal = appeals.file_appeal(session, work=work, reason="Task 1", filed_as="participant")
    chair = users.make(Role.CHAIR)
    task = session.execute(select(Task).order_by(Task.number)).scalars().first()
    before = protocols.effective_scores(session, [work])[work.id][task.id]
    with pytest.raises(InvalidInput) as wrong:
        appeals.decide(session, actor=chair.as_actor(), appeal=appeal,
                       scores={task.id: 18}, reason="Step 3 is right", password="not it")  # fmt: skip
    assert wrong.value.details["field"] == "password"
    with expect_events("appeals.decided"):
        appeals.decide(session, actor=chair.as_actor(), appeal=appeal, scores={task.id: 18},
                       reason="Step 3 is right after all", password=PASSWORD)  # fmt: skip
    assert appeal.outcome == "raised"
    event = session.execute(select(ScoreEvent)).scalar_one()
    assert (event.before, event.after) == (before, 18 * 30)
    assert protocols.effective_scores(session, [work])[work.id][task.id] == 540
    assert [v.number for v in protocol.versions] == [1, 2]
    content = json.loads(protocol.current.content)
    row = next(r for r in content["rows"] if r["cipher"] == work.cipher)
    assert row["tasks"][0] == "9"
    assert protocol.versions[1].reason.startswith(f"appeal {appeal.id}")
    shown = version_reason(protocol.versions[1])  # in the reader's language
    assert str(appeal.id) in shown and shown != protocol.versions[1].reason
    with pytest.raises(Conflict):
        appeals.decide(session, actor=chair.as_actor(), appeal=appeal, scores={},
                       reason="again", password=PASSWORD)  # fmt: skip

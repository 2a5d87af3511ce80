"""A participant's appeal on the public site: access code, own work, one appeal; the chair decides."""

from __future__ import annotations

from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.protocols.models import Appeal, ProtocolState
from integrity.scans.domain.codes import format_access_code
from integrity.scans.models import Booklet, ScanPage
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of
from tests.conftest import PASSWORD, login
from tests.factories import published


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {
        "WTF_CSRF_ENABLED": False,
        "ACCESS_CODE_RATE_LIMIT": "5 per minute",
        "ADDRESS_RATE_LIMIT": "8 per minute",
    }


def a_code(session: Any) -> str:
    booklet = (
        session.execute(select(Booklet).where(Booklet.has_work.is_(True)).order_by(Booklet.id))
        .scalars()
        .first()
    )
    return format_access_code(access_code_of(booklet, settings=settings_of(current_app)))


def test_a_participant_opens_their_work_with_the_code_and_files_one_appeal(
    client: FlaskClient, session: Any, users: Any
) -> None:
    _, protocol = published(session)
    code = a_code(session)
    session.commit()
    opened = client.post("/appeal/", data={"code": code})
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/appeal/work")
    page = client.get("/appeal/work").get_data(as_text=True)
    assert 'data-testid="marks"' in page and "Оқушы" not in page
    assert client.get("/appeal/work/pages/1.jpg").headers["Content-Type"] == "image/jpeg"
    assert client.get("/appeal/work/pages/2.jpg").status_code == 404
    filed = client.post("/appeal/work", data={"filed_as": "participant",
                                              "reason": "Task 2: my answer is right"})  # fmt: skip
    assert filed.status_code == 302
    appeal = session.execute(select(Appeal)).scalar_one()
    assert 'data-testid="appeal-state"' in client.get("/appeal/work").get_data(as_text=True)

    # The chair decides it on the protocols page, re-entering their password.
    with client.session_transaction() as flask_session:
        flask_session.clear()
    login(client, users.make(Role.CHAIR))
    task_id = protocol.round.tasks[1].id
    page = client.get(f"/protocols/rounds/{protocol.round_id}").get_data(as_text=True)
    from integrity.registry.models import Juror

    for juror_id in appeal.commission_ids:  # the commission by name, for the chair to call
        assert session.get(Juror, juror_id).full_name in page
    assert 'value="close"' not in page  # the window is still open
    refused = client.post(f"/protocols/appeals/{appeal.id}/decide",
                          data={f"task-{task_id}": "3", "reason": "Re-read", "password": "wrong"})  # fmt: skip
    assert refused.status_code == 422  # the page again, with what the chair typed, bar the password
    form = refused.get_data(as_text=True)
    assert f'name="task-{task_id}" inputmode="decimal" size="5" value="3"' in form
    assert 'name="reason" required maxlength="2000" rows="5">Re-read</textarea>' in form
    assert "wrong" not in form
    bad_points = client.post(f"/protocols/appeals/{appeal.id}/decide",
                             data={f"task-{task_id}": "1e1", "reason": "Re-read", "password": PASSWORD})  # fmt: skip
    assert bad_points.status_code == 422
    assert 'value="1e1"' in bad_points.get_data(as_text=True)
    session.expire_all()
    assert session.get(Appeal, appeal.id).decided_at is None
    client.post(f"/protocols/appeals/{appeal.id}/decide",
                data={f"task-{task_id}": "3", "reason": "Re-read step 4", "password": PASSWORD})  # fmt: skip
    session.expire_all()
    decided = session.get(Appeal, appeal.id)
    assert decided.decided_at is not None and decided.outcome in ("raised", "lowered")
    assert decided.protocol.state is ProtocolState.PUBLISHED
    assert len(decided.protocol.versions) == 2


def test_a_wrong_access_code_is_refused_alike_and_guessing_is_rate_limited(
    client: FlaskClient, session: Any
) -> None:
    published(session)
    session.commit()
    answers = [client.post("/appeal/", data={"code": f"AAAA-BBBB-CC{n}"}) for n in range(5)]
    assert all(a.status_code == 200 for a in answers)
    assert len({a.get_data(as_text=True).count('class="error"') for a in answers}) == 1
    assert client.get("/appeal/work").status_code == 404
    # Every code from one address together: eight a minute (ADDRESS_RATE_LIMIT), then refused.
    more = [client.post("/appeal/", data={"code": f"DDDD-EEEE-F{n}"}).status_code for n in range(4)]
    assert more == [200, 200, 200, 429]


def test_one_code_mistyped_again_and_again_does_not_lock_out_its_classmates(
    client: FlaskClient, session: Any
) -> None:
    published(session)
    session.commit()
    same = [client.post("/appeal/", data={"code": "AAAA-BBBB-CC1"}).status_code for _ in range(6)]
    assert same == [200] * 5 + [429]  # ACCESS_CODE_RATE_LIMIT: five a minute for one code
    assert client.post("/appeal/", data={"code": "KKKK-LLLL-MM2"}).status_code == 200


def test_a_page_of_another_work_cannot_be_reached_without_its_code(
    client: FlaskClient, session: Any
) -> None:
    published(session)
    session.commit()
    page = session.execute(select(ScanPage).where(ScanPage.work_id.isnot(None))).scalars().first()
    assert page is not None
    assert client.get("/appeal/work/pages/1.jpg").status_code == 404

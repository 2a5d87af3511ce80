"""The jury's pages: a juror sees only their ciphers and pixels; the chair runs the ceremony."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.jury.models import Assignment, Draw, DrawState
from integrity.registry.models import Participant, School
from integrity.scans.domain.codes import format_serial
from integrity.scans.models import Booklet, ScanPage, Work
from tests import factories as f
from tests.conftest import login
from tests.factories import ceremony


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(
        r'name="[a-z]+-csrf_token"[^>]*value="([^"]+)"', page
    )
    assert found, url
    return found.group(1)


def test_a_juror_reaches_only_their_own_works_and_images(client: FlaskClient, session: Any) -> None:
    world = f.drawable_round(session)
    ceremony(session, world)
    session.commit()
    assignments = session.execute(select(Assignment)).scalars().all()
    user, juror = world.accounts[0], world.jurors[0]
    mine = {a.id for a in assignments if a.juror_id == juror.id}
    assert mine
    login(client, user)
    top = max(a.id for a in assignments) + 3
    for assignment_id in range(1, top):
        page = client.get(f"/jury/works/{assignment_id}")
        image = client.get(f"/jury/works/{assignment_id}/pages/1.jpg")
        if assignment_id in mine:
            assert page.status_code == 200 and image.status_code == 200
            assert image.headers["Content-Type"] == "image/jpeg"
        else:
            assert page.status_code == 404 and image.status_code == 404, assignment_id
    assert client.get(f"/jury/works/{min(mine)}/pages/2.jpg").status_code == 404


def test_a_jurors_pages_show_a_cipher_never_a_name_school_serial_or_file(
    client: FlaskClient, session: Any
) -> None:
    world = f.drawable_round(session)
    ceremony(session, world)
    session.commit()
    login(client, world.accounts[0])
    home = client.get("/jury/").get_data(as_text=True)
    ids = re.findall(r"/jury/works/(\d+)", home)
    assert ids
    pages = [home] + [client.get(f"/jury/works/{i}").get_data(as_text=True) for i in set(ids)]
    forbidden = [p.surname for p in session.execute(select(Participant)).scalars()]
    forbidden += [s.name_kk for s in session.execute(select(School)).scalars()]
    forbidden += [format_serial(b.serial) for b in session.execute(select(Booklet)).scalars()]
    forbidden += [str(b.serial) for b in session.execute(select(Booklet)).scalars()]
    forbidden += ["kits.pdf"]
    for text in pages:
        for word in forbidden:
            assert word not in text, word
    assert 'data-testid="cipher"' in pages[1]


def test_a_juror_never_sees_a_co_markers_points(client: FlaskClient, session: Any) -> None:
    from integrity.jury.services import marking
    from tests.factories import full_marks

    world = f.drawable_round(session)
    ceremony(session, world)
    mine = (
        session.execute(select(Assignment).where(Assignment.juror_id == world.jurors[0].id))
        .scalars()
        .first()
    )
    theirs = session.execute(
        select(Assignment).where(
            Assignment.work_id == mine.work_id, Assignment.juror_id != mine.juror_id
        )
    ).scalar_one()
    # The co-marker submits 7 and 2 points on every task; this juror has typed nothing yet.
    marking.save(session, actor=f.ACTOR, assignment=theirs,
                 values=full_marks(session, theirs, {1: 18, 2: 18}), submit=True)  # fmt: skip
    session.commit()
    owner = next(u for u, j in zip(world.accounts, world.jurors, strict=True)
                 if j.id == theirs.juror_id)  # fmt: skip
    login(client, owner)
    assert 'value="7"' in client.get(f"/jury/works/{theirs.id}").get_data(as_text=True)
    login(client, world.accounts[0])
    page = client.get(f"/jury/works/{mine.id}").get_data(as_text=True)
    assert 'value="7"' not in page and 'value="2"' not in page
    assert page.count('value=""') == 4  # every criterion blank


def test_a_juror_saves_a_draft_then_submits_and_the_marking_is_final(
    client: FlaskClient, session: Any
) -> None:
    world = f.drawable_round(session, tasks=1)
    ceremony(session, world)
    session.commit()
    juror = world.jurors[0]
    assignment = (
        session.execute(select(Assignment).where(Assignment.juror_id == juror.id)).scalars().first()
    )
    login(client, world.accounts[0])
    url = f"/jury/works/{assignment.id}"
    token = csrf(client, url)
    from integrity.registry.models import Task

    task_id = session.scalar(select(Task.id))
    bad = client.post(url, data={"csrf_token": token, f"t{task_id}c1": "7.3", "action": "draft"})
    assert bad.status_code == 200
    assert (
        f'id="t{task_id}c1" name="t{task_id}c1" inputmode="decimal" size="5" value="7.3" aria-invalid="true"'
        in bad.get_data(as_text=True)
    )
    short = client.post(url, data={"csrf_token": token, f"t{task_id}c1": "6", "action": "submit"})
    assert short.status_code == 200  # criterion 2 has no points: not submitted
    assert (
        f'name="t{task_id}c2" inputmode="decimal" size="5" value="" aria-invalid="true"'
        in short.get_data(as_text=True)
    )
    draft = client.post(url, data={"csrf_token": token, f"t{task_id}c1": "6.5", "action": "draft"})
    assert draft.status_code == 302
    assert 'value="6.5"' in client.get(url).get_data(as_text=True)
    # Submitting saves the draft and asks for confirmation on its own page; the final POST submits.
    asked = client.post(url, data={"csrf_token": token, f"t{task_id}c1": "6.5",
                                   f"t{task_id}c2": "2", "action": "submit"})  # fmt: skip
    assert asked.status_code == 302 and asked.location.endswith(f"{url}/submit")
    session.expire_all()
    assert session.get(Assignment, assignment.id).submitted_at is None
    confirm = client.get(f"{url}/submit").get_data(as_text=True)
    assert 'data-testid="confirm-work-total">8.5<' in confirm
    done = client.post(f"{url}/submit", data={"csrf_token": token, f"t{task_id}c1": "6.5",
                                              f"t{task_id}c2": "2"})  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Assignment, assignment.id).submitted_at is not None
    again = client.post(url, data={"csrf_token": token, f"t{task_id}c1": "0",
                                   f"t{task_id}c2": "0", "action": "submit"})  # fmt: skip
    assert again.status_code == 200
    session.expire_all()
    assert [m.units for m in session.get(Assignment, assignment.id).marks] == [17]


def test_the_chair_runs_the_ceremony_on_its_pages_and_the_public_sees_its_hashes(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = f.drawable_round(session)
    chair = users.make(Role.CHAIR)
    login(client, chair)
    url = f"/jury/rounds/{world.round.id}/draw"
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="pool-size">5<' in page
    token = csrf(client, url)
    client.post(f"{url}/freeze", data={"freeze-csrf_token": token, "freeze-mode": "double",
                                       "freeze-size": "2", "freeze-capacities": ""})  # fmt: skip
    draw = session.execute(select(Draw)).scalar_one()
    assert draw.state is DrawState.FROZEN
    client.post(f"{url}/commit", data={"csrf_token": token, "step": "commit"})
    for name, value in (("Observer A", "6 6 2"), ("Parent B", "4 1 3")):
        client.post(f"{url}/contributions", data={"roll-csrf_token": token, "roll-contributor": name,
                               "roll-value": value})  # fmt: skip
    asked = client.post(f"{url}/reveal", data={"csrf_token": token, "step": "reveal"})
    assert asked.status_code == 200 and 'data-testid="confirm"' in asked.get_data(as_text=True)
    session.expire_all()
    assert session.execute(select(Draw)).scalar_one().state is DrawState.COMMITTED
    client.post(f"{url}/reveal", data={"csrf_token": token, "confirm": "reveal"})
    session.expire_all()
    draw = session.execute(select(Draw)).scalar_one()
    assert draw.state is DrawState.REVEALED and len(draw.contributions) == 2

    client.post("/accounts/logout", data={"csrf_token": token})
    with client.session_transaction() as flask_session:
        flask_session.clear()
    public = client.get(f"/draws/{draw.id}").get_data(as_text=True)
    assert draw.final_seed in public and draw.manifest_sha256 in public
    record = client.get(f"/draws/{draw.id}.json").get_json()
    assert record["final_seed"] == draw.final_seed and "manifest" not in record
    script = client.get("/draws/verify_draw.py")
    assert script.status_code == 200 and b"HMAC-SHA256" in script.data


def test_an_observer_watches_the_ceremony_but_cannot_take_a_step(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = f.drawable_round(session)
    login(client, users.make(Role.OBSERVER))
    url = f"/jury/rounds/{world.round.id}/draw"
    assert client.get(url).status_code == 200
    token = csrf(client, url)
    refused = client.post(
        f"{url}/freeze", data={"freeze-csrf_token": token, "freeze-mode": "double"}
    )
    assert refused.status_code == 403
    assert session.execute(select(Draw)).first() is None


def test_the_chair_decides_a_potential_conflict_on_the_conflicts_page(
    client: FlaskClient, session: Any, users: Any
) -> None:
    from integrity.jury.services import conflicts
    from integrity.registry.domain.kinds import RelationKind
    from integrity.registry.services import people

    world = f.drawable_round(session, freeze=False)
    pupil = session.execute(select(Participant).order_by(Participant.id)).scalars().first()
    people.declare_relation(session, actor=f.ACTOR, juror=world.jurors[1],
                            kind=RelationKind.RELATIVE, full_name=pupil.full_name)  # fmt: skip
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/jury/rounds/{world.round.id}/conflicts"
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="undecided">1<' in page
    row = conflicts.check_round(session, world.round).undecided[0]
    client.post(url, data={"csrf_token": csrf(client, url), "juror_id": row.juror.id,
                           "entry_id": row.entry.id, "decision": "dismiss",
                           "reason": "Same name, another family"})  # fmt: skip
    assert 'data-testid="undecided">0<' in client.get(url).get_data(as_text=True)


def test_masked_page_images_reach_jurors_only_through_their_assignment(
    client: FlaskClient, session: Any
) -> None:
    world = f.drawable_round(session)
    ceremony(session, world)
    session.commit()
    page = session.execute(select(ScanPage).where(ScanPage.work_id.isnot(None))).scalars().first()
    login(client, world.accounts[0])
    assert client.get(f"/scans/pages/{page.id}/image.jpg").status_code == 403


def test_the_chair_returns_a_submitted_marking_with_a_reason_and_its_juror_submits_again(
    client: FlaskClient, session: Any, users: Any
) -> None:
    from integrity.jury.services import marking
    from tests.factories import full_marks

    world = f.drawable_round(session)
    ceremony(session, world)
    assignment = session.execute(select(Assignment).order_by(Assignment.id)).scalars().first()
    marking.save(session, actor=f.ACTOR, assignment=assignment,
                 values=full_marks(session, assignment, {1: 8, 2: 8}), submit=True)  # fmt: skip
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/jury/rounds/{world.round.id}/marking"
    token = csrf(client, url)
    wrong = client.post(f"{url}/return", data={"return-csrf_token": token, "return-cipher": "ZZZZZZ",
                                   "return-juror_id": assignment.juror_id,
                                   "return-reason": "typo"})  # fmt: skip
    assert wrong.status_code == 200
    done = client.post(f"{url}/return", data={"return-csrf_token": token,
                                  "return-cipher": assignment.work.cipher.lower(),
                                  "return-juror_id": assignment.juror_id,
                                  "return-reason": "Task 2 was typed as 8 instead of 3"})  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Assignment, assignment.id).submitted_at is None
    from integrity.audit.models import AuditEvent

    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "jury.marking_returned")
    ).scalar_one()
    assert "typed as 8" in str(event.data)


def test_a_discrepancy_rows_return_button_needs_a_reason_and_names_the_marking_itself(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world, _, pair = _a_discrepancy(session)
    login(client, users.make(Role.CHAIR))
    url = f"/jury/rounds/{world.round.id}/marking"
    page = client.get(url).get_data(as_text=True)
    assert f'name="row-assignment_id" value="{pair[1].id}"' in page
    refused = client.post(f"{url}/return-row", data={"row-assignment_id": pair[1].id,
                                                     "row-reason": " "})  # fmt: skip
    assert refused.status_code == 200
    session.rollback()
    assert session.get(Assignment, pair[1].id).submitted_at is not None
    done = client.post(f"{url}/return-row", data={"row-assignment_id": pair[1].id,
                                                  "row-reason": "9 typed for 2"})  # fmt: skip
    assert done.status_code == 302
    session.rollback()
    assert session.get(Assignment, pair[1].id).submitted_at is None


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.DIRECTOR])
def test_a_watcher_sees_which_works_wait_but_not_who_marked_them_or_who_is_drawn_next(
    client: FlaskClient, session: Any, users: Any, role: Role
) -> None:
    from integrity.registry.models import Juror

    world, work, pair = _a_discrepancy(session)
    names = [session.get(Juror, a.juror_id).full_name for a in pair]
    login(client, users.make(role))
    page = client.get(f"/jury/rounds/{world.round.id}/marking").get_data(as_text=True)
    assert f"discrepancy-{work.cipher}-1" in page  # the row is there
    assert 'data-testid="markers"' not in page and 'data-testid="third"' not in page
    table = page[page.index('data-testid="discrepancies"') :]
    table = table[: table.index("</table>")]
    assert not [
        name for name in names if name in table
    ]  # the progress table names jurors, not works
    login(client, users.make(Role.CHAIR))
    chair = client.get(f"/jury/rounds/{world.round.id}/marking").get_data(as_text=True)
    assert 'data-testid="markers"' in chair and all(name in chair for name in names)


def _a_discrepancy(session: Any) -> tuple[Any, Any, list[Any]]:
    """A drawn round whose first work's two markers differ on task 1 (4 and 18 points):
    (world, the work, its two marker assignments)."""
    from integrity.jury.models import AssignmentRole
    from integrity.jury.services import marking
    from tests.factories import full_marks

    world = f.drawable_round(session)
    ceremony(session, world)
    work = session.execute(select(Work).order_by(Work.cipher)).scalars().first()
    pair = session.execute(
        select(Assignment)
        .where(Assignment.work_id == work.id, Assignment.role == AssignmentRole.MARKER)
        .order_by(Assignment.position)
    ).scalars().all()  # fmt: skip
    for a, units in zip(pair, (4, 18), strict=True):
        marking.save(session, actor=f.ACTOR, assignment=a, submit=True,
                     values=full_marks(session, a, {1: units, 2: 10}))  # fmt: skip
    session.commit()
    return world, work, list(pair)

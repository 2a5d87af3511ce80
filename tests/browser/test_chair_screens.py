"""The chair's screens in a real browser, in Kazakh and Russian: the appeal decision (a reason box
that keeps what was typed, the markers' points and the work's pages beside it), the discrepancy
rows (marks, third marker, a return button), and the irreversible steps (the draw's reveal, the
unsealing) that ask on a confirmation page first."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.jury.models import Assignment, AssignmentRole, Draw, DrawState
from integrity.scans.models import Work
from integrity.vault.models import IdentityLink
from tests import factories as f
from tests.conftest import PASSWORD, Users

WORDS = {
    "kk": {
        "undone": "Мұны кері қайтаруға болмайды.",
        "not_started": "басталмаған",
        "returned": "Бағалау қазыға қайтарылды.",
        "works": r"\d+ / \d+ жұмыс",
    },
    "ru": {
        "undone": "Это нельзя отменить.",
        "not_started": "не начата",
        "returned": "Проверка возвращена члену жюри.",
        "works": r"\d+ из \d+ работ",
    },
}


def _sign_in(page: Page, live_server: str, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_appeal_decision_shows_the_markers_points_and_the_pages_and_keeps_the_typed_reason(
    page: Page, live_server: str, session: Any, users: Users, lang: str
) -> None:
    from integrity.protocols.services import appeals

    _, protocol = f.published(session)
    work = session.execute(select(Work).order_by(Work.cipher)).scalars().first()
    appeal = appeals.file_appeal(session, work=work, reason="2-есеп", filed_as="participant")
    markers = session.execute(
        select(Assignment).where(Assignment.work_id == work.id).order_by(Assignment.position)
    ).scalars().all()  # fmt: skip
    names = [a.juror.full_name for a in markers]
    chair = users.make(Role.CHAIR, username="chair", locale=lang)
    round_id, appeal_id = protocol.round_id, appeal.id
    session.commit()

    _sign_in(page, live_server, chair.username)
    page.goto(f"{live_server}/protocols/rounds/{round_id}")
    card = page.get_by_test_id(f"appeal-{appeal_id}")
    table = card.get_by_test_id("marker-points")
    for name in names:  # each marker's points per task, beside the form
        expect(table.locator("thead")).to_contain_text(name)
    expect(table.locator("tbody tr").first).to_contain_text("5")  # 10 units: 5 points each
    link = card.get_by_test_id("work-pages").locator("a").first
    image = page.context.request.get(f"{live_server}{link.get_attribute('href')}")
    assert image.status == 200 and image.headers["content-type"] == "image/jpeg"

    reason = card.locator("textarea[name=reason]")  # a box for a paragraph, not one line
    typed = "Комиссия 4-қадамды қайта қарады.\nЕкінші жол: жауап дұрыс."
    reason.fill(typed)
    card.locator("input[name=password]").fill("not the password")
    card.locator("button[type=submit]").click()
    expect(page.locator(".flash-error")).to_be_visible()  # refused
    expect(
        page.get_by_test_id(f"appeal-{appeal_id}").locator("textarea[name=reason]")
    ).to_have_value(typed)


def _discrepancy(session: Any) -> tuple[Any, Work, list[Assignment]]:
    """A drawn round whose first work's markers differ by 7 points on task 1 (tolerance 2)."""
    from integrity.jury.services import marking

    world = f.drawable_round(session)
    f.ceremony(session, world)
    work = session.execute(select(Work).order_by(Work.cipher)).scalars().first()
    pair = session.execute(
        select(Assignment)
        .where(Assignment.work_id == work.id, Assignment.role == AssignmentRole.MARKER)
        .order_by(Assignment.position)
    ).scalars().all()  # fmt: skip
    for a, units in zip(pair, (4, 18), strict=True):
        marking.save(session, actor=f.ACTOR, assignment=a, submit=True,
                     values=f.full_marks(session, a, {1: units, 2: 10}))  # fmt: skip
    return world, work, list(pair)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_discrepancy_row_shows_the_marks_and_the_third_marker_and_returns_a_marking_by_button(
    page: Page, live_server: str, session: Any, users: Users, lang: str
) -> None:
    world, work, pair = _discrepancy(session)
    third = session.execute(
        select(Assignment).where(
            Assignment.work_id == work.id, Assignment.role == AssignmentRole.THIRD
        )
    ).scalar_one()
    chair = users.make(Role.CHAIR, username="chair", locale=lang)
    names = [a.juror.full_name for a in pair]
    third_name, returned_id, cipher = third.juror.full_name, pair[1].id, work.cipher
    session.commit()

    _sign_in(page, live_server, chair.username)
    page.goto(f"{live_server}/jury/rounds/{world.round.id}/marking")
    row = page.get_by_test_id(f"discrepancy-{cipher}-1")
    markers = row.get_by_test_id("markers")
    expect(markers).to_contain_text(f"{names[0]}: 2")
    expect(markers).to_contain_text(f"{names[1]}: 9")
    expect(row.get_by_test_id("third")).to_contain_text(third_name)
    expect(row.get_by_test_id("third")).to_contain_text(WORDS[lang]["not_started"])
    # One unit on the page: works, and so labelled.
    expect(page.get_by_test_id(f"works-{pair[0].juror_id}")).to_have_text(
        re.compile(WORDS[lang]["works"])
    )

    row.locator("input[name=row-reason]").fill("9 деген 2 болып терілген")
    row.locator(f"button[value='{returned_id}']").click()
    expect(page.locator(".flash-success")).to_contain_text(WORDS[lang]["returned"])
    session.rollback()
    assert session.get(Assignment, returned_id).submitted_at is None


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_draws_reveal_asks_on_a_confirmation_page_and_happens_only_on_its_button(
    page: Page, live_server: str, session: Any, users: Users, lang: str
) -> None:
    from flask import current_app

    from integrity.jury.services import draws
    from integrity.settings import settings_of

    world = f.drawable_round(session)
    draw = draws.freeze(session, actor=f.ACTOR, round_=world.round)
    draws.commit(session, actor=f.ACTOR, draw=draw, settings=settings_of(current_app))
    for who, value in (("Observer A", "6 6 2"), ("Parent B", "4 1 3")):
        draws.contribute(session, actor=f.ACTOR, draw=draw, contributor=who, value=value)
    chair = users.make(Role.CHAIR, username="chair", locale=lang)
    session.commit()

    _sign_in(page, live_server, chair.username)
    page.goto(f"{live_server}/jury/rounds/{world.round.id}/draw")
    page.get_by_test_id("reveal").click()
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_contain_text(WORDS[lang]["undone"])
    expect(confirm).to_contain_text("Observer A")  # what goes into the seed
    session.rollback()
    assert session.execute(select(Draw)).scalar_one().state is DrawState.COMMITTED

    page.get_by_test_id("confirm-reveal").click()
    expect(page.get_by_test_id("final-seed")).to_be_visible()
    session.rollback()
    assert session.execute(select(Draw)).scalar_one().state is DrawState.REVEALED


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_unsealing_asks_on_a_confirmation_page_and_happens_only_on_its_button(
    page: Page, live_server: str, session: Any, users: Users, lang: str
) -> None:
    from integrity.protocols import services as protocols

    world, protocol = f.published(session)
    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    chair = users.make(Role.CHAIR, username="chair", locale=lang)
    session.commit()

    _sign_in(page, live_server, chair.username)
    page.goto(f"{live_server}/vault/events/{world.event.id}")
    page.get_by_test_id(f"unseal-{world.round.id}").click()
    confirm = page.get_by_test_id("confirm")
    expect(confirm).to_contain_text(WORDS[lang]["undone"])
    assert session.scalar(select(func.count()).select_from(IdentityLink)) == 0

    confirm.locator("input[name=passphrase]").fill(f.PASSPHRASE)
    page.get_by_test_id("confirm-unseal").click()
    expect(page.locator(".flash-success")).to_be_visible()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(IdentityLink)) == 6

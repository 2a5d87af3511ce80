"""An appeal in a real browser (in Kazakh): the participant opens their work with the kit's access
code and files an appeal; the chair, for the commission, decides it with their password."""

from __future__ import annotations

from typing import Any

from flask import current_app
from playwright.sync_api import Page, expect
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.protocols.models import Appeal
from integrity.scans.domain.codes import format_access_code
from integrity.scans.models import Booklet
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of
from tests.conftest import PASSWORD, Users
from tests.factories import published


def test_a_participant_appeals_with_the_access_code_and_the_commission_decides(
    page: Page, live_server: str, session: Any, users: Users, artifacts: Any
) -> None:
    _, protocol = published(session)
    booklet = (
        session.execute(select(Booklet).where(Booklet.has_work.is_(True)).order_by(Booklet.id))
        .scalars()
        .first()
    )
    code = format_access_code(access_code_of(booklet, settings=settings_of(current_app)))
    chair = users.make(Role.CHAIR, username="chair")
    round_id = protocol.round_id
    task_id = sorted(protocol.round.tasks, key=lambda t: t.number)[1].id
    session.commit()

    page.set_viewport_size({"width": 390, "height": 844})  # a participant's phone
    page.goto(f"{live_server}/appeal/")
    page.locator("input[name=code]").fill(code.lower())  # typed as people type it
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("marks")).to_be_visible()
    expect(page.locator("img[data-page]").first).to_be_visible()
    assert page.evaluate("document.querySelector('img[data-page]').naturalWidth") > 500
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off
    page.locator("select[name=filed_as]").select_option("participant")
    page.locator("textarea[name=reason]").fill("2-есеп: жауабым дұрыс, соңғы бетті қараңыз.")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("appeal-state")).to_be_visible()
    page.screenshot(path=str(artifacts / "appeal-filed.png"), full_page=True)

    chair_page = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    chair_page.goto(f"{live_server}/login")
    chair_page.locator("input[name=username]").fill(chair.username)
    chair_page.locator("input[name=password]").fill(PASSWORD)
    chair_page.locator("form button[type=submit]").last.click()
    chair_page.goto(f"{live_server}/protocols/rounds/{round_id}")
    appeal_id = session.execute(select(Appeal.id)).scalar_one()
    card = chair_page.get_by_test_id(f"appeal-{appeal_id}")
    card.locator(f"input[name=task-{task_id}]").fill("9.5")
    card.locator("textarea[name=reason]").fill("Комиссия: 4-қадам дұрыс")
    card.locator("input[name=password]").fill(PASSWORD)
    card.locator("button[type=submit]").click()
    expect(chair_page.get_by_test_id(f"appeal-{appeal_id}").get_by_test_id("outcome")).to_have_text(
        "көтерілді"  # "raised", from the kk catalogue
    )
    chair_page.screenshot(path=str(artifacts / "appeal-decided.png"), full_page=True)
    session.expire_all()
    decided = session.get(Appeal, appeal_id)
    assert decided.outcome == "raised" and len(decided.protocol.versions) == 2

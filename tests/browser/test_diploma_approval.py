"""Approving a diploma batch cannot be undone, so it asks first: a page rendered by the server (no
script needed, as under the CSP) says how many documents of each kind will be issued; nothing is
issued until that page's button is pressed. In Kazakh and Russian."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.diplomas import services
from integrity.diplomas.models import Batch, BatchState, Diploma
from tests.conftest import PASSWORD, Users
from tests.factories import final_protocol

ISSUED = {"kk": "Иә, 6 құжат беру", "ru": "Да, выдать 6 документов"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_approving_a_diploma_batch_asks_first_on_a_page_that_shows_what_will_be_issued(
    browser: Browser, live_server: str, session: Any, users: Users, lang: str, artifacts: Any
) -> None:
    protocol = final_protocol(session)
    maker = users.make(Role.ORGANISER)
    checker = users.make(Role.DIRECTOR, locale=lang)
    batch = services.request_batch(
        session, actor=maker.as_actor(), protocol=protocol, language="kk", participation=True
    )
    batch_id = batch.id
    session.commit()

    # Without script: the confirmation is a page of its own, not a dialog.
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(checker.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server}/diplomas/batches/{batch_id}")
    page.get_by_test_id("approve").click()

    confirm = page.get_by_test_id("confirm-approval")
    expect(confirm).to_be_visible()
    page.screenshot(path=str(artifacts / f"approve-confirm-{lang}.png"), full_page=True)
    # Two awards (I and II degree here) and four certificates of participation: six in all.
    expect(page.get_by_test_id("count-total")).to_have_text("6")
    counts = page.get_by_test_id("approval-counts")
    expect(counts.get_by_test_id("count-CP")).to_have_text("4")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Diploma)) == 0  # nothing issued yet
    assert session.get(Batch, batch_id).state is BatchState.REQUESTED

    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("batch")).to_be_visible()
    session.expire_all()
    assert session.get(Batch, batch_id).state in (BatchState.APPROVED, BatchState.DONE)
    assert session.scalar(select(func.count()).select_from(Diploma)) == 6
    page.screenshot(path=str(artifacts / f"approve-done-{lang}.png"), full_page=True)
    context.close()


def test_the_confirmation_page_says_the_button_in_the_readers_language(
    browser: Browser, live_server: str, session: Any, users: Users, artifacts: Any
) -> None:
    protocol = final_protocol(session)
    maker = users.make(Role.ORGANISER)
    services.request_batch(
        session, actor=maker.as_actor(), protocol=protocol, language="kk", participation=True
    )
    readers = {lang: users.make(Role.CHAIR, locale=lang) for lang in ISSUED}
    session.commit()
    batch_id = session.execute(select(Batch.id)).scalar_one()
    for lang, reader in readers.items():
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.locator("input[name=username]").fill(reader.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.goto(f"{live_server}/diplomas/batches/{batch_id}/approve")
        expect(page.get_by_test_id("confirm")).to_have_text(ISSUED[lang])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / f"approve-phone-{lang}.png"), full_page=True)
        context.close()

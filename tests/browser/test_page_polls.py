"""A page with work under way follows it without a timed refresh (which moves a screen reader's
place, and axe-core refuses): a diploma batch being rendered updates its progress in place, then
loads once in full when the work is done; without script it offers a link to refresh."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from integrity.diplomas.models import BatchState
from tests import factories as f
from tests.conftest import PASSWORD, Users


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_batch_being_rendered_updates_its_progress_in_place_and_shows_the_archive_when_done(
    page: Page, live_server: str, session: Any, users: Users, language: str
) -> None:
    _, batch, _ = f.issued_batch(session, users)
    batch.state, batch.done = BatchState.APPROVED, 0
    organiser = users.make(Role.ORGANISER)
    session.commit()

    page.goto(f"{live_server}/login")
    page.locator(f"form[action='/language'] button[value={language}]").click()
    page.locator("input[name=username]").fill(organiser.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server}/diplomas/batches/{batch.id}")
    progress = page.locator("#batch-progress")
    expect(progress).to_contain_text(f"0 / {batch.total}")
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    expect(page.locator("[data-poll-fallback]")).to_be_hidden()  # the script refreshes
    page.evaluate("window.notReloaded = true")

    batch.done = 1
    session.commit()
    expect(progress).to_contain_text(f"1 / {batch.total}")
    assert page.evaluate("window.notReloaded") is True  # in place, not by reloading

    batch.state, batch.done = BatchState.DONE, batch.total
    session.commit()
    expect(page.locator("[data-testid=batch]")).to_have_attribute("data-state", "done")
    expect(page.locator("a[href$='.zip'], a[href*='archive']")).to_be_visible()


def test_without_script_a_batch_being_rendered_offers_a_link_to_refresh(
    browser: Any, live_server: str, session: Any, users: Users
) -> None:
    _, batch, _ = f.issued_batch(session, users)
    batch.state, batch.done = BatchState.APPROVED, 0
    organiser = users.make(Role.ORGANISER)
    session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(organiser.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server}/diplomas/batches/{batch.id}")
    expect(page.locator("[data-poll-fallback]")).to_be_visible()
    context.close()

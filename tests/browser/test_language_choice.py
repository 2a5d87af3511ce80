"""A language chosen on the sign-in page is the language after signing in, and the account keeps
it: the latest explicit choice wins over the one saved earlier."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.audit.models import AuditEvent
from tests.conftest import PASSWORD, Users


def sign_in(page: Page, live_server: str, username: str) -> None:
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_russian_chosen_on_the_sign_in_page_stays_russian_after_signing_in(
    page: Page, live_server: str, session: Any, users: Users
) -> None:
    organiser = users.make(Role.ORGANISER, username="organiser", locale="kk")  # saved earlier

    page.goto(f"{live_server}/login")
    page.locator("form[action='/language'] button[value=ru]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    sign_in(page, live_server, organiser.username)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto(f"{live_server}/registry/events")
    expect(page.locator("h1")).to_have_text("Мероприятия")

    session.expire_all()
    assert session.execute(select(User.locale).where(User.id == organiser.id)).scalar_one() == "ru"
    changed = (
        session.execute(select(AuditEvent.action).where(AuditEvent.action == "accounts.set_locale"))
        .scalars()
        .all()
    )
    assert changed == ["accounts.set_locale"]  # the change is audited, once

    # Signed out and back in without choosing: the account's language, now Russian.
    page.locator("form[action='/logout'] button").click()
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "kk")  # the centre's default
    sign_in(page, live_server, organiser.username)
    expect(page.locator("html")).to_have_attribute("lang", "ru")


def test_signing_in_without_choosing_keeps_the_accounts_language(
    page: Page, live_server: str, session: Any, users: Users
) -> None:
    juror = users.make(Role.JUROR, username="juror", locale="ru")
    page.goto(f"{live_server}/login")
    sign_in(page, live_server, juror.username)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    session.expire_all()
    assert session.execute(select(User.locale).where(User.id == juror.id)).scalar_one() == "ru"

"""On a phone (390 × 844) the header keeps every control on screen: the languages, the account
and "sign out", whatever the length of the name, in Kazakh and in Russian."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from integrity.accounts.domain import Role
from integrity.accounts.services import create_user
from integrity.audit.domain import Actor
from tests.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_phone_header_keeps_sign_out_on_screen(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    create_user(session, actor=Actor(None, "test"), username="chair",
                display_name="Қазылар алқасының төрағасы Сәрсенбекова Әйгерім Нұрланқызы",
                password=PASSWORD, roles=[Role.CHAIR], locale=lang)  # fmt: skip
    session.commit()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill("chair")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    for path in ("/", "/account", "/registry/events"):
        page.goto(f"{live_server}{path}")
        expect(page.locator("form[action='/logout'] button")).to_be_visible()
        # Every control of the header keeps the page's side margin (main's padding), on screen.
        margin = {"x": page.evaluate(
            "() => { const m = document.querySelector('main');"
            " return m.getBoundingClientRect().x + parseFloat(getComputedStyle(m).paddingLeft); }"
        )}  # fmt: skip
        assert margin["x"] >= 8, path
        controls = page.locator(
            ".topbar .brand, .topbar form[action='/language'] button, .topbar .who, "
            ".topbar form[action='/logout'] button, .mainnav a"
        )
        for control in controls.all():
            box = control.bounding_box()
            assert box is not None, path
            assert box["x"] >= margin["x"] - 1, (path, control.inner_text(), box)
            assert box["x"] + box["width"] <= PHONE["width"] - margin["x"] + 1, (path, box)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)  # nothing scrolls sideways
    page.screenshot(path=str(artifacts / f"phone-header-{lang}.png"))
    context.close()

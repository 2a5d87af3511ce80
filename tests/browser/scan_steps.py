"""What the scan screens' browser tests share: signing in an IT specialist in a language."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def sign_in(page: Page, base: str, username: str, lang: str) -> None:
    """Sign in on the sign-in page, after choosing ``lang`` there (the choice sticks)."""
    page.goto(f"{base}/login")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    page.goto(f"{base}/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", lang)

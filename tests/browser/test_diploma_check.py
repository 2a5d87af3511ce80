"""Checking a diploma on a phone: the QR link opens a page with the verdict first, no script needed,
in the visitor's language; a forged link says so; the serial and surname work when the QR won't."""

from __future__ import annotations

from typing import Any

from flask import current_app
from playwright.sync_api import Page, expect

from integrity.diplomas.services.rendering import link
from integrity.settings import settings_of
from tests.factories import issued_batch


def test_a_phone_opens_a_diplomas_qr_link_and_sees_the_verdict(
    page: Page, live_server: str, session: Any, users: Any, artifacts: Any
) -> None:
    _, _, made = issued_batch(session, users)
    doc = made[0]
    code = link(doc, settings_of(current_app).host).rsplit("/", 1)[-1]
    surname = doc.name.split(" ")[0]
    session.commit()

    page.set_viewport_size({"width": 360, "height": 740})  # a small phone
    page.goto(f"{live_server}/v/{code}")
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_be_visible()
    assert verdict.get_attribute("data-verdict") == "genuine"
    assert verdict.bounding_box()["y"] < 200  # type: ignore[index]  # first thing on the screen
    expect(page.get_by_test_id("serial")).to_have_text(doc.serial)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off
    assert page.evaluate("document.scripts.length") == 0
    page.screenshot(path=str(artifacts / "diploma-genuine-kk.png"), full_page=True)

    page.get_by_role("link", name="RU").click()  # the language by a plain link
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "genuine"

    forged = code[:40] + ("b" if code[40] != "b" else "c") + code[41:]
    page.goto(f"{live_server}/v/{forged}")
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "not_issued"
    page.screenshot(path=str(artifacts / "diploma-forged.png"), full_page=True)

    page.locator("a[href='/v/']").click()
    page.locator("input[name=serial]").fill(doc.serial.lower())
    page.locator("input[name=surname]").fill(surname.upper())
    page.locator("form button[type=submit]").last.click()
    assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "genuine"


def test_the_verdict_page_works_with_javascript_switched_off(
    browser: Any, live_server: str, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(
            f"{live_server}/v/" + link(made[1], settings_of(current_app).host).rsplit("/", 1)[-1]
        )
        assert page.get_by_test_id("verdict").get_attribute("data-verdict") == "genuine"
    finally:
        context.close()

"""The public home page on a phone (390 × 844), in Kazakh and Russian: it leads to what people come
for — results (the event and each published protocol a link), a diploma check (the QR code is a
plain link for the phone's camera; or serial and surname, a form right there), an appeal with the
access code — and to the ledger and the draws; the audit hash sits in a small part for auditors
at the bottom."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import issued_batch

PHONE = {"width": 390, "height": 844}
CAMERA = {"kk": "камера", "ru": "камер"}  # "open your phone's camera", in each language


def _in_language(page: Page, live_server: str, lang: str) -> None:
    page.goto(f"{live_server}/")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def _bottom(page: Page, test_id: str) -> float:
    box = page.get_by_test_id(test_id).bounding_box()
    assert box is not None
    return float(box["y"] + box["height"])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_home_page_on_a_phone_leads_to_results_a_diploma_check_an_appeal_and_the_ledger(
    browser: Browser, live_server: str, session: Any, users: Any, lang: str, artifacts: Any
) -> None:
    protocol, _, made = issued_batch(session, users)
    doc = made[0]
    event_id, event_title = (
        protocol.round.subject.event_id,
        protocol.round.subject.event.title(lang),
    )
    surname = doc.name.split(" ")[0]
    session.commit()
    page = browser.new_context(viewport=PHONE).new_page()
    _in_language(page, live_server, lang)
    page.screenshot(path=str(artifacts / f"home-phone-{lang}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The four doors are the first thing under the title.
    doors = page.get_by_test_id("doors").locator("a")
    assert doors.count() == 4
    box = page.get_by_test_id("doors").bounding_box()
    assert box is not None and box["y"] + box["height"] < PHONE["height"]

    # Results: the event's name is a link, and so is the published protocol of each grade.
    results = page.get_by_test_id("home-results")
    expect(results.get_by_role("link", name=event_title)).to_have_attribute(
        "href", f"/results/events/{event_id}"
    )
    expect(results.locator(f"a[href='/results/protocols/{protocol.id}']")).to_be_visible()

    # The diploma check: the camera for the QR code, or the serial and the surname right here.
    diploma = page.get_by_test_id("home-diploma")
    assert CAMERA[lang] in diploma.inner_text().lower()
    # The appeal with a code, and the ledger with the round's draws.
    expect(page.get_by_test_id("home-appeal").locator("input[name=code]")).to_be_visible()
    ledger = page.get_by_test_id("home-ledger")
    expect(ledger.locator(f"a[href='/ledger/rounds/{protocol.round_id}']")).to_be_visible()
    assert ledger.locator("a[href^='/draws/']").count() >= 1
    # The hash: in the part for auditors, below everything else.
    auditors = page.get_by_test_id("auditors")
    expect(auditors.get_by_test_id("head-hash")).to_be_visible()
    assert _bottom(page, "home-ledger") < auditors.bounding_box()["y"]  # type: ignore[index]

    # The serial typed on the home page opens the verdict.
    diploma.locator("input[name=serial]").fill(doc.serial.lower())
    diploma.locator("input[name=surname]").fill(surname)
    diploma.get_by_role("button").click()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "genuine")

    # A code typed on the home page goes to the appeal page (a wrong one is said so there).
    _in_language(page, live_server, lang)
    appeal = page.get_by_test_id("home-appeal")
    appeal.locator("input[name=code]").fill("1234-5678")
    appeal.get_by_role("button").click()
    expect(page).to_have_url(f"{live_server}/appeal/")
    expect(page.locator(".error, .flash-error").first).to_be_visible()

    # The event's name opens its results.
    _in_language(page, live_server, lang)
    page.get_by_test_id("home-results").get_by_role("link", name=event_title).click()
    expect(page.get_by_test_id("results")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_home_page_on_a_desktop_keeps_the_hash_small_at_the_bottom(
    browser: Browser, live_server: str, session: Any, users: Any, lang: str, artifacts: Any
) -> None:
    issued_batch(session, users)
    session.commit()
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    _in_language(page, live_server, lang)
    page.screenshot(path=str(artifacts / f"home-desktop-{lang}.png"), full_page=True)
    for part in ("home-results", "home-diploma", "home-appeal", "home-ledger"):
        assert _bottom(page, part) < page.get_by_test_id("auditors").bounding_box()["y"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.context.close()

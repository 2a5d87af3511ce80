"""On a phone (390 × 844) a protocol shows rank, cipher or name, total and award without sideways
scrolling; the other columns are one link away."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests import factories as f

PHONE = {"width": 390, "height": 844}
HEADINGS = {  # rank, cipher/participant, total, award, in each language
    "kk": ["Орын", "Қатысушы", "Барлығы", "Марапат"],
    "ru": ["Место", "Участник", "Итого", "Награда"],
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_protocol_on_a_phone_shows_rank_name_total_and_award_without_scrolling_sideways(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    protocol = f.final_protocol(session)  # named: a name stands for the cipher
    session.commit()
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server}/?lang={lang}")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    page.goto(f"{live_server}/results/protocols/{protocol.id}")

    table = page.get_by_test_id("protocol")
    page.screenshot(path=str(artifacts / f"phone-protocol-{lang}.png"), full_page=True)
    shown = [h.inner_text() for h in table.locator("thead th").all() if h.is_visible()]
    assert shown == HEADINGS[lang]
    for cell in table.locator("tbody tr").first.locator("td").all():
        if cell.is_visible():
            box = cell.bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], cell.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_test_id("all-columns").click()  # every column, scrolling sideways
    expect(table.locator("thead th").nth(1)).to_be_visible()  # the cipher
    assert sum(1 for h in table.locator("thead th").all() if h.is_visible()) > len(HEADINGS[lang])
    page.context.close()

"""The chair freezes a protocol through a form that proposes the place, date and jury it is signed
with, keeps what was typed when refused, and the protocol's PDF prints them, in kk and ru."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from tests.conftest import PASSWORD, Users
from tests.factories import marked_round

WORDS = {  # the freeze button, the date as printed
    "kk": ("Бекітіп, жариялау", "2026 жылғы «12» қараша"),
    "ru": ("Зафиксировать и опубликовать", "«12» ноября 2026 г."),
}
MEMBERS = "Естемесова Акмарал Турсынбековна\nСамеков Мейрбек Нурланович"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_chair_confirms_place_date_and_jury_when_freezing_and_the_pdf_prints_them(
    page: Page, live_server: str, session: Any, users: Users, lang: str, artifacts: Any
) -> None:
    world = marked_round(session)
    world.round.held_on = dt.date(2026, 11, 12)
    chair = users.make(Role.CHAIR, locale=lang)
    session.commit()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(chair.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    button, date = WORDS[lang]

    page.goto(f"{live_server}/protocols/rounds/{world.round.id}")
    page.locator("button[value=freeze]").click()
    form = page.locator("[data-testid=freeze-form]")
    expect(form).to_be_visible()
    expect(page.locator("#sign-date")).to_have_value("2026-11-12")
    expect(page.locator("#sign-chair")).to_have_value(chair.display_name)
    assert world.jurors[0].full_name in page.locator("#sign-members").input_value()
    page.screenshot(path=str(artifacts / f"freeze-form-{lang}.png"), full_page=True)

    page.locator("#sign-place").fill("")
    page.locator("#sign-chair").fill("Есеналиева Майра Аманкуловна")
    page.locator("#sign-members").fill(MEMBERS)
    form.locator("button[type=submit]").click()
    expect(page.locator("#sign-place-error")).to_be_visible()  # refused, nothing frozen
    expect(page.locator("#sign-chair")).to_have_value("Есеналиева Майра Аманкуловна")
    expect(page.locator("#sign-members")).to_have_value(MEMBERS)
    page.screenshot(path=str(artifacts / f"freeze-refused-{lang}.png"), full_page=True)

    page.locator("#sign-place").fill("Тараз қ.")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=protocols]")).to_be_visible()
    expect(page.locator(f"button:has-text('{button}')")).to_have_count(0)  # frozen
    link = page.locator("a[href^='/results/protocols/']").first.get_attribute("href")
    body = page.request.get(f"{live_server}{link}.pdf?lang={lang}").body()
    pdf = pdfium.PdfDocument(body)
    text = " ".join(
        " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split()
    )
    assert "Тараз қ." in text and date in text
    for name in ["Есеналиева Майра Аманкуловна", *MEMBERS.splitlines()]:
        assert f"____ {name}" in text

"""A juror's marking screen, comfortable for hours (issue 16), in Kazakh and in Russian, at a
laptop's 1366 × 768: the pages stay in view beside the scheme, totals run, every error shows at
once, the submission is confirmed on its own page and leads to the next work, the list of works
filters and shows progress, criteria come in the reader's language, and the keys are listed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import current_app
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from integrity.jury.models import Assignment
from integrity.jury.services import marking
from integrity.registry.models import Task
from integrity.scans.domain.codes import format_access_code
from integrity.scans.models import Booklet
from integrity.scans.services.kits import access_code_of
from integrity.settings import settings_of
from tests import factories as f
from tests.factories import ceremony, full_marks, published

LAPTOP = {"width": 1366, "height": 768}
JUROR_PASSWORD = "a juror's long password"  # set by factories.drawable_round
LANGS = ["kk", "ru"]


def _mine(session: Any, world: Any) -> list[Assignment]:
    juror = world.jurors[0]
    return list(
        session.execute(
            select(Assignment).where(Assignment.juror_id == juror.id).order_by(Assignment.id)
        ).scalars()
    )


def _juror_page(browser: Browser, live_server: str, world: Any, lang: str, **context: Any) -> Page:
    """Juror 1 signed in, reading in ``lang``, on a laptop screen."""
    page = browser.new_context(viewport=LAPTOP, **context).new_page()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(world.accounts[0].username)
    page.locator("input[name=password]").fill(JUROR_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server}/jury/")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_stay_in_view_beside_the_scheme_while_a_juror_scores_the_last_criterion(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    world = f.drawable_round(session, tasks=6, answer_pages=2)  # twelve criteria
    ceremony(session, world)
    first = _mine(session, world)[0].id
    session.commit()
    page = _juror_page(browser, live_server, world, lang)
    page.goto(f"{live_server}/jury/works/{first}")
    inputs = page.locator("[data-testid=mark-form] input[inputmode=decimal]")
    expect(inputs).to_have_count(12)
    last = inputs.last
    last.scroll_into_view_if_needed()
    last.fill("2")
    assert page.evaluate("window.scrollY") > 200  # the scheme is longer than the screen
    for locator in (page.locator(".viewer-frame"), last):
        box = locator.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box
    frame = page.locator(".viewer-frame").bounding_box()
    assert frame is not None and frame["height"] >= 400  # room to read the scan
    expect(page.locator("img[data-page]").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"marking-sticky-{lang}.png"))
    page.context.close()


ERRORS = {
    "kk": ("1-тапсырма, 1-критерий: балл бүтін немесе жарты сан", "балл 0 мен 3 аралығында"),
    "ru": ("Задание 1, критерий 1: целое или половинное число", "баллы — от 0 до 3"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_juror_sees_running_totals_every_error_at_once_a_confirmation_and_the_next_work(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    world = f.drawable_round(session, tasks=2)
    ceremony(session, world)
    mine = _mine(session, world)
    first, following = mine[0].id, mine[1].work.cipher
    session.commit()
    page = _juror_page(browser, live_server, world, lang)
    page.goto(f"{live_server}/jury/works/{first}")
    inputs = page.locator("[data-testid=mark-form] input[inputmode=decimal]")

    # A draft with "abc" and 35 for a 0–3 criterion: both flagged, each beside its field.
    inputs.nth(0).fill("abc")
    inputs.nth(1).fill("35")
    page.locator("button[name=action][value=draft]").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary.locator("li")).to_have_count(2)
    expect(page.locator("p.error")).to_have_count(2)
    expect(page.locator("p.error").nth(0)).to_contain_text(ERRORS[lang][0])
    expect(page.locator("p.error").nth(1)).to_contain_text(ERRORS[lang][1])
    expect(inputs.nth(0)).to_have_value("abc")

    # Totals run as points are typed.
    inputs.nth(0).fill("6.5")
    inputs.nth(1).fill("3")
    expect(page.get_by_test_id("task-total").nth(0)).to_have_text("9.5")
    inputs.nth(2).fill("4")
    expect(page.get_by_test_id("work-total")).to_have_text("13.5")

    # Submitting with blanks flags every blank, not just the first.
    inputs.nth(2).fill("")
    page.locator("button[name=action][value=submit]").click()
    expect(page.get_by_test_id("error-summary").locator("li")).to_have_count(2)
    expect(page.locator("input[aria-invalid=true]")).to_have_count(2)
    expect(page.get_by_test_id("work-total")).to_have_text("9.5")  # the server's total too

    inputs.nth(2).fill("5")
    inputs.nth(3).fill("2.5")
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(re.compile(rf"/jury/works/{first}/submit$"))
    expect(page.get_by_test_id("confirm-task-total")).to_have_text(["9.5", "7.5"])
    expect(page.get_by_test_id("confirm-work-total")).to_have_text("17")
    page.screenshot(path=str(artifacts / f"marking-confirm-{lang}.png"), full_page=True)
    session.expire_all()
    assert session.get(Assignment, first).submitted_at is None  # not before the confirmation

    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()
    page.screenshot(path=str(artifacts / f"marking-next-{lang}.png"))
    page.get_by_test_id("next-work").click()
    expect(page.get_by_test_id("cipher")).to_have_text(following)
    session.expire_all()
    assert session.get(Assignment, first).submitted_at is not None
    page.context.close()


PROGRESS = {"kk": "жұмыстың 1 жіберілді", "ru": "Отправлено 1 из"}
FILTERS = {"kk": ("Орындалатын", "Жоба нұсқалары"), "ru": ("К выполнению", "Черновики")}


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_of_works_filters_to_do_drafts_and_submitted_and_shows_progress_without_script(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    world = f.drawable_round(session, entries=9)
    ceremony(session, world)
    mine = _mine(session, world)
    assert len(mine) >= 3
    done, draft = mine[0], mine[1]
    marking.save(session, actor=f.ACTOR, assignment=done,
                 values=full_marks(session, done, {1: 8, 2: 8}), submit=True)  # fmt: skip
    task = session.execute(select(Task).order_by(Task.number)).scalars().first()
    marking.save(session, actor=f.ACTOR, assignment=draft, values={(task.id, 1): 4}, submit=False)
    ciphers = (done.work.cipher, draft.work.cipher)
    session.commit()
    page = _juror_page(browser, live_server, world, lang, java_script_enabled=False)
    page.goto(f"{live_server}/jury/")
    expect(page.get_by_test_id("works-progress")).to_contain_text(PROGRESS[lang])
    expect(page.get_by_test_id("works-progress")).to_contain_text(str(len(mine)))
    rows = page.get_by_test_id("my-works").locator("tbody tr")
    expect(rows).to_have_count(len(mine))
    page.screenshot(path=str(artifacts / f"marking-list-{lang}.png"))

    filters = page.get_by_test_id("work-filters")
    filters.get_by_role("link", name=re.compile(FILTERS[lang][1])).click()
    expect(page).to_have_url(re.compile(r"\?show=draft$"))
    expect(rows).to_have_count(1)
    expect(rows.locator("code")).to_have_text(ciphers[1])
    filters.get_by_role("link", name=re.compile(FILTERS[lang][0])).click()
    expect(rows).to_have_count(len(mine) - 1)
    expect(page.get_by_test_id("my-works")).not_to_contain_text(ciphers[0])
    page.goto(f"{live_server}/jury/?show=submitted")
    expect(rows).to_have_count(1)
    expect(rows.locator("code")).to_have_text(ciphers[0])
    page.context.close()


NOTES = {"kk": "(орысша)", "ru": "(на казахском)"}


@pytest.mark.parametrize("lang", LANGS)
def test_criteria_are_in_the_readers_language_or_marked_when_only_the_other_was_entered(
    browser: Browser, live_server: str, session: Any, lang: str
) -> None:
    world = f.drawable_round(session)
    tasks = session.execute(select(Task).order_by(Task.number)).scalars().all()
    tasks[0].criteria[1].description_ru = ""  # "Жауабы" only in Kazakh
    tasks[1].criteria[0].description_kk = ""  # "Решение" only in Russian
    ceremony(session, world)
    first = _mine(session, world)[0].id
    session.commit()
    page = _juror_page(browser, live_server, world, lang)
    page.goto(f"{live_server}/jury/works/{first}")
    labels = page.locator("[data-testid=mark-form] label")
    own = {"kk": ("Шешімі", "Жауабы"), "ru": ("Решение", "Ответ")}[lang]
    expect(labels.nth(0)).to_have_text(f"1. {own[0]} (0–7)")
    if lang == "ru":
        expect(labels.nth(1)).to_have_text(f"2. Жауабы {NOTES['ru']} (0–3)")
        expect(labels.nth(2)).to_have_text("1. Решение (0–7)")
    else:
        expect(labels.nth(1)).to_have_text("2. Жауабы (0–3)")
        expect(labels.nth(2)).to_have_text(f"1. Решение {NOTES['kk']} (0–7)")
    expect(page.get_by_test_id("lang-note")).to_have_count(1)
    page.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_appeal_page_shows_the_criteria_in_the_readers_language(
    browser: Browser, live_server: str, session: Any, lang: str
) -> None:
    published(session)
    tasks = session.execute(select(Task).order_by(Task.number)).scalars().all()
    tasks[0].criteria[1].description_ru = ""
    booklet = (
        session.execute(select(Booklet).where(Booklet.has_work.is_(True)).order_by(Booklet.id))
        .scalars()
        .first()
    )
    code = format_access_code(access_code_of(booklet, settings=settings_of(current_app)))
    session.commit()
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{live_server}/appeal/")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    page.locator("input[name=code]").fill(code)
    page.locator("form button[type=submit]").last.click()
    marks = page.get_by_test_id("marks")
    rows = marks.locator("tbody tr")
    if lang == "ru":
        expect(rows.nth(0)).to_contain_text("Решение")
        expect(rows.nth(1)).to_contain_text(f"Жауабы {NOTES['ru']}")
        expect(marks).not_to_contain_text("Шешімі")
    else:
        expect(rows.nth(0)).to_contain_text("Шешімі")
        expect(marks).not_to_contain_text("Решение")
    page.context.close()


KEYS = {"kk": "келесі өріс", "ru": "следующее поле"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_juror_pages_zooms_moves_and_saves_with_the_keys_listed_on_the_page(
    browser: Browser, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    world = f.drawable_round(session, answer_pages=2)
    ceremony(session, world)
    first = _mine(session, world)[0].id
    session.commit()
    page = _juror_page(browser, live_server, world, lang)
    page.goto(f"{live_server}/jury/works/{first}")
    legend = page.get_by_test_id("keys")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text(KEYS[lang])
    for key in ("PgDn", "PgUp", "Alt", "Enter", "Ctrl", "S"):
        expect(legend.locator("kbd", has_text=key).first).to_be_visible()

    inputs = page.locator("[data-testid=mark-form] input[inputmode=decimal]")
    inputs.first.click()
    page.keyboard.type("5")
    page.keyboard.press("PageDown")  # while the cursor is in a points field
    expect(page.locator("[data-counter]")).to_have_text("2 / 2")
    page.keyboard.press("PageUp")
    expect(page.locator("[data-counter]")).to_have_text("1 / 2")
    image = page.locator("img[data-page]").first
    before = image.bounding_box()
    page.keyboard.press("Alt+=")
    after = image.bounding_box()
    assert before is not None and after is not None and after["width"] > before["width"] * 1.2
    page.keyboard.press("Enter")  # the next field, not a submission
    expect(inputs.nth(1)).to_be_focused()
    page.keyboard.type("2")
    page.keyboard.press("Control+s")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(inputs.nth(0)).to_have_value("5")
    expect(inputs.nth(1)).to_have_value("2")
    page.context.close()

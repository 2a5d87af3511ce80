"""The director's dashboard does not contradict itself and speaks Kazakh or Russian: one upheld
appeal of one is "too few to judge" on the dashboard and in its drill-down, which lists that
appeal; counts for information are not "no data"; the previous period is in the same unit; no
setting's name and no internal code reaches the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.db import utcnow
from integrity.protocols.services import appeals
from integrity.risk import services
from integrity.risk.models import IndicatorReading
from integrity.scans.models import Work
from tests import factories as f
from tests.conftest import PASSWORD, Users

WORDS = {
    "kk": {"few": "бағалау үшін тым аз", "info": "ақпарат үшін", "round": "1-тур",
           "raised": "балл көтерілді", "hours": "72\u00a0сағат"},
    "ru": {"few": "слишком мало для оценки", "info": "для сведения", "round": "тур 1",
           "raised": "балл повышен", "hours": "72\u00a0часа"},
}  # fmt: skip
CODES = re.compile(r"RISK_|\b[A-Z]{3,5} · \d|\(seed\)|\+\d+ h\b|unseal|score_change")


def _one_upheld_appeal_and_last_year(session: Any) -> str:
    """A published protocol with one appeal, decided and upheld; last year's analysis, which
    recorded 35 % of protocols late. Returns the subject's Russian name."""
    _world, protocol = f.published(session)
    work = session.execute(select(Work).order_by(Work.id)).scalars().first()
    appeal = appeals.file_appeal(session, work=work, reason="Task 2", filed_as="participant")
    appeal.outcome, appeal.decided_at = "raised", utcnow() + dt.timedelta(hours=1)
    last = services.create(session, actor=f.ACTOR, period_start=dt.date(f.TODAY.year - 1, 1, 1),
                           period_end=dt.date(f.TODAY.year - 1, 12, 31))  # fmt: skip
    last.readings.append(IndicatorReading(code="protocols_late", value=35.0, light="red",
                                          detail='{"n": 7, "of": 20}', amber=5, red=20))  # fmt: skip
    session.flush()
    return str(protocol.round.subject.name_ru)


def db_commit() -> None:
    from integrity.extensions import db

    db.session.commit()


def _sign_in(page: Page, live_server: str, users: Users, lang: str) -> None:
    director = users.make(Role.DIRECTOR, username="director")
    director.locale = lang
    db_commit()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(director.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.locator(f"form[action='/language'] button[value={lang}]").click()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_one_upheld_appeal_of_one_is_too_few_to_judge_on_the_dashboard_and_in_its_drill_down(
    page: Page, live_server: str, session: Any, users: Users, lang: str, artifacts: Any
) -> None:
    subject_ru = _one_upheld_appeal_and_last_year(session)
    words = WORDS[lang]
    session.commit()
    _sign_in(page, live_server, users, lang)

    page.goto(f"{live_server}/risk/")
    upheld = page.locator("tr[data-code=appeals_upheld]")
    expect(upheld).to_have_attribute("data-light", "few")
    expect(upheld.locator(".light")).to_have_text(words["few"])
    expect(upheld.get_by_test_id("value")).to_contain_text("100\u00a0%")
    filed = page.locator("tr[data-code=appeals_filed]")  # a count for information, not "no data"
    expect(filed).to_have_attribute("data-light", "info")
    expect(filed.locator(".light")).to_have_text(words["info"])
    expect(filed.get_by_test_id("value")).to_contain_text("1")
    late = page.locator("tr[data-code=protocols_late]")  # last year in the same unit as this year
    expect(late.get_by_test_id("before")).to_contain_text("35\u00a0%")
    expect(late.get_by_test_id("value")).to_contain_text("\u00a0%")
    assert not CODES.search(page.locator("main").inner_text())
    page.screenshot(path=str(artifacts / f"director-dashboard-{lang}.png"), full_page=True)

    upheld.locator("a").first.click()
    now = page.get_by_test_id("now")
    expect(now).to_have_attribute("data-light", "few")
    expect(now).to_contain_text(words["few"])
    items = page.locator("[data-testid=items] tbody tr")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-counted", "yes")
    expect(items.first).to_contain_text(words["round"])
    expect(items.first).to_contain_text(words["raised"])
    if lang == "ru":
        expect(items.first).to_contain_text(subject_ru)
    assert not CODES.search(page.locator("main").inner_text())

    page.goto(f"{live_server}/risk/indicators/protocols_late")
    expect(page.get_by_test_id("definition")).to_contain_text(words["hours"])
    main = page.locator("main").inner_text()
    assert not CODES.search(main)
    page.screenshot(path=str(artifacts / f"director-drilldown-{lang}.png"), full_page=True)

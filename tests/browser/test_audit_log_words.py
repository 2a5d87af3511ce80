"""The audit log in a browser, in Kazakh and in Russian: actions in words and no ``area.verb`` ids
on screen, the raw record one click away; an observer sees no pupil's name, even with every raw
record opened."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from integrity.accounts.services import create_user
from integrity.audit.domain import Actor
from integrity.audit.services import record_event
from tests import factories as f
from tests.conftest import PASSWORD

WORDS = {  # "Participant registered", "Appeal filed", the raw record's summary
    "kk": ("Қатысушы тіркелді", "Апелляция берілді", "Бастапқы жазба"),
    "ru": ("Участник зарегистрирован", "Апелляция подана", "Исходная запись"),
}
IDS = re.compile(r"\b(accounts|registry|vault|appeals|scans|jury|protocols)\.[a-z_]+\b")
NOTE = "Сәрсенова Әлихан телефонмен ұсталды"


def _world(session: Any, lang: str) -> list[str]:
    world = f.registered_round(session)
    entry = world["entries"][1]
    record_event(session, actor=f.ACTOR, action="registry.set_entry_status",
                 subject=f"entry:{entry.id}", data={"before": "registered",
                                                    "after": "disqualified", "reason": NOTE})  # fmt: skip
    record_event(session, actor=Actor(None, "participant"), action="appeals.filed",
                 subject="appeal:1", data={"cipher": "7KQ2M", "filed_as": "participant",
                                           "reason": NOTE, "commission": []})  # fmt: skip
    for role in ("admin", "observer"):
        create_user(session, actor=f.ACTOR, username=f"{role}{lang}", display_name=role.title(),
                    password=PASSWORD, roles=[Role(role)], locale=lang)  # fmt: skip
    session.commit()
    return [e.participant.full_name for e in world["entries"]]


def _sign_in(page: Page, live_server: str, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server}/audit/")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_audit_log_shows_actions_in_words_with_the_raw_record_one_click_away(
    page: Page, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    names = _world(session, lang)
    _sign_in(page, live_server, f"admin{lang}")
    registered, appealed, raw = WORDS[lang]
    main = page.locator("main")
    expect(main.locator(".audit-action", has_text=registered).first).to_be_visible()
    expect(main.locator(".audit-action", has_text=appealed)).to_be_visible()
    assert not IDS.search(main.inner_text()), IDS.search(main.inner_text())
    expect(main.get_by_role("link", name=names[0], exact=True).first).to_be_visible()  # named link
    page.screenshot(path=str(artifacts / f"audit-log-{lang}.png"), full_page=True)
    record = main.locator("tr[data-action='registry.add_participant'] details.audit-raw").first
    expect(record.locator("pre")).not_to_be_visible()
    record.locator("summary", has_text=raw).click()
    expect(record.locator("pre")).to_be_visible()
    expect(record.locator("pre")).to_contain_text('"action": "registry.add_participant"')


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_observer_sees_no_pupil_names_in_the_audit_log_even_in_the_raw_records(
    page: Page, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    names = _world(session, lang)
    _sign_in(page, live_server, f"observer{lang}")
    for summary in page.locator("details.audit-raw summary").all():
        summary.click()  # every raw record open
    main = page.locator("main")
    expect(main.locator(".audit-action", has_text=WORDS[lang][0]).first).to_be_visible()
    text = main.inner_text()
    assert '"action": "appeals.filed"' in text  # the raw records are open
    assert not any(name in text for name in names)
    assert NOTE not in text and NOTE not in page.content()
    page.screenshot(path=str(artifacts / f"audit-log-observer-{lang}.png"), full_page=True)

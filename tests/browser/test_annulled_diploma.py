"""The public check of an annulled diploma says why, in words: issued in error, re-issued (with a
link to the document issued instead, when it is known) or revoked. In Kazakh and Russian."""

from __future__ import annotations

from typing import Any

import pytest
from flask import current_app
from playwright.sync_api import Browser, expect

from integrity.accounts.domain import Role
from integrity.diplomas import services
from integrity.diplomas.domain import DocType
from integrity.diplomas.models import AnnulKind, DocumentStatus
from integrity.diplomas.services.rendering import link
from integrity.settings import settings_of
from tests.factories import issued_batch

WORDS = {
    "kk": {
        "reissued": "Оның орнына басқа құжат берілді.",
        "revoked": "Марапат кері қайтарып алынды.",
    },
    "ru": {"reissued": "Вместо него выдан другой документ.", "revoked": "Награда отозвана."},
}


def _path(doc: Any) -> str:
    return "/v/" + link(doc, settings_of(current_app).host).rsplit("/", 1)[-1]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_annulled_diplomas_check_says_why_and_links_the_document_issued_instead(
    browser: Browser, live_server: str, session: Any, users: Any, lang: str, artifacts: Any
) -> None:
    protocol, _, (first, second) = issued_batch(session, users)
    settings, actor = settings_of(current_app), users.make(Role.ADMIN).as_actor()
    surname, given = first.name.split(" ", 1)
    instead = services.issue_one(
        session, actor=actor, settings=settings, event=protocol.round.subject.event,
        doc_type=DocType.COMMENDATION, surname=surname, given_names=given,
        subject=first.subject, grade=first.grade, school=first.school, language="kk",
    )  # fmt: skip
    for doc, kind, new in (
        (first, AnnulKind.REISSUED, instead.serial),
        (second, AnnulKind.REVOKED, None),
    ):
        services.set_status(session, actor=actor, settings=settings, diploma=doc,
                            status=DocumentStatus.ANNULLED, reason="test", kind=kind,
                            replaced_by=new)  # fmt: skip
    reissued, revoked, instead_path = _path(first), _path(second), _path(instead)
    session.commit()

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live_server}{reissued}?lang={lang}")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "annulled")
    expect(page.get_by_test_id("annul-kind")).to_have_text(WORDS[lang]["reissued"])
    page.screenshot(path=str(artifacts / f"annulled-reissued-{lang}.png"), full_page=True)
    page.get_by_test_id("successor").click()
    expect(page).to_have_url(f"{live_server}{instead_path}")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "genuine")

    page.goto(f"{live_server}{revoked}?lang={lang}")
    expect(page.get_by_test_id("annul-kind")).to_have_text(WORDS[lang]["revoked"])
    expect(page.get_by_test_id("successor")).to_have_count(0)
    page.screenshot(path=str(artifacts / f"annulled-revoked-{lang}.png"), full_page=True)
    page.context.close()

"""A public protocol's award column says "provisional" while the appeal window runs, and no
longer once the final protocol is published, in Kazakh and in Russian."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests import factories as f

WORDS = {  # the award column's heading: provisional, final
    "kk": ("Марапат (алдын ала)", "Марапат"),
    "ru": ("Награда (предварительно)", "Награда"),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_final_protocol_does_not_call_its_awards_provisional(
    page: Page, live_server: str, session: Any, lang: str
) -> None:
    from integrity.protocols import services as protocols

    protocol = f.final_protocol(session, publish=False)  # named and frozen, not yet published
    session.commit()
    page.goto(f"{live_server}/")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    provisional, final = WORDS[lang]
    page.goto(f"{live_server}/results/protocols/{protocol.id}")
    heading = page.locator("[data-testid=protocol] thead th").last
    expect(heading).to_have_text(provisional)

    protocols.advance_publish(session, actor=f.ACTOR, protocol=protocol)
    session.commit()
    page.goto(f"{live_server}/results/protocols/{protocol.id}")
    expect(heading).to_have_text(final)
    expect(page.locator("main")).not_to_contain_text(provisional)

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


ZONE_LABEL = {"kk": "Алматы уақыты (UTC+5)", "ru": "время Алматы (UTC+5)"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_appeal_deadline_reads_in_the_centres_time_with_the_zone_named(
    page: Page, live_server: str, session: Any, lang: str, artifacts: Any
) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    _, protocol = f.published(session)  # the appeal window is open
    session.commit()
    page.goto(f"{live_server}/")
    page.locator(f"form[action='/language'] button[value={lang}]").click()
    page.goto(f"{live_server}/results/protocols/{protocol.id}")
    deadline = page.locator("dd:has(time)").filter(has=page.locator("time")).nth(1)
    local = protocol.appeals_until.astimezone(ZoneInfo("Asia/Almaty")).strftime("%Y-%m-%d %H:%M")
    utc = protocol.appeals_until.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    expect(page.locator(f"time[datetime='{utc}']")).to_have_text(local)
    expect(deadline).to_contain_text(ZONE_LABEL[lang])
    page.screenshot(path=str(artifacts / f"protocol-times-{lang}.png"))
    main = page.locator("main").inner_text()
    assert " UTC\n" not in main and not main.rstrip().endswith(" UTC")  # no bare UTC times left

"""axe-core finds no serious or critical accessibility violation on any page of the demo walk, in
Kazakh and in Russian (issue 16). axe-core comes from the axe-playwright-python package, which
bundles it: it is injected from the installed package, never fetched from a CDN.

The walk is that of tests/web/test_no_english.py: every GET route that answers with a page, for one
object of each kind of the demo, as a role allowed to open it.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from flask import Flask
from playwright.sync_api import Page

from integrity.accounts.domain import Role
from tests.conftest import PASSWORD, Users
from tests.web.test_demo_walk import argument_values, urls
from tests.web.test_no_english import reader_for

SEVERE = ("serious", "critical")


def pages_by_reader(app: Flask) -> dict[Role | None, list[str]]:
    values = {name: found[:1] for name, found in argument_values().items()}
    found: dict[Role | None, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("accounts.logout", "static"):
            continue
        found.setdefault(reader_for(rule.endpoint), []).extend(
            urls(app, rule.endpoint, sorted(rule.arguments), values)
        )
    return found


def sign_in(page: Page, live_server: str, language: str, username: str | None) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.locator(f"form[action='/language'] button[value={language}]").click()
    if username is not None:
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_page_of_the_walk_has_a_serious_or_critical_accessibility_violation(
    app: Flask, page: Page, live_server: str, users: Users, demo: None, language: str
) -> None:
    axe = Axe()
    readers = pages_by_reader(app)
    found: list[str] = []
    checked = 0
    for role, addresses in readers.items():
        username = users.make(role).username if role is not None else None
        sign_in(page, live_server, language, username)
        for address in addresses:
            probe = page.request.get(f"{live_server}{address}")  # files download, not render
            if probe.status != 200 or not probe.headers["content-type"].startswith("text/html"):
                continue
            page.goto(f"{live_server}{address}")
            checked += 1
            violations: list[dict[str, Any]] = axe.run(page).response["violations"]
            found += [
                f"{address} ({role or 'public'}): {v['id']} [{v['impact']}] {v['help']}: "
                + ", ".join(str(n["target"]) for n in v["nodes"][:3])
                for v in violations
                if v["impact"] in SEVERE
            ]
    assert checked > 40  # the demo's pages (downloads and JSON are not pages)
    assert not found, "\n".join(found)


def test_the_checker_itself_finds_a_nameless_button_and_an_image_without_words(page: Page) -> None:
    page.set_content(
        '<html lang="kk"><title>t</title><main><button></button><img src="x.png"></main></html>'
    )
    violations = Axe().run(page).response["violations"]
    severe = {v["id"] for v in violations if v["impact"] in SEVERE}
    assert {"button-name", "image-alt"} <= severe

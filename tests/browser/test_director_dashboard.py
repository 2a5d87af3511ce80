"""The director opens the integrity dashboard, follows a red light to the analysis, and downloads the
report."""

from __future__ import annotations

from typing import Any

from flask import current_app
from playwright.sync_api import Page, expect

from integrity.accounts.domain import Role
from integrity.risk import services
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import PASSWORD, Users
from tests.factories import analysis_with_group, final_protocol, undeclare


def test_the_director_sees_the_lights_and_downloads_the_report(
    page: Page, live_server: str, session: Any, users: Users, artifacts: Any
) -> None:
    final_protocol(session)
    undeclare(session, 3)
    analysis = analysis_with_group(session)
    services.compute(session, actor=f.ACTOR, settings=settings_of(current_app), analysis=analysis)
    director = users.make(Role.DIRECTOR, username="director")
    session.commit()

    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(director.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server}/risk/")
    red = page.locator("tr[data-light=red]")
    expect(red.first).to_be_visible()
    assert page.locator("tr[data-code=jurors_undeclared]").get_attribute("data-light") == "red"
    expect(page.get_by_test_id("chain")).to_be_visible()
    page.screenshot(path=str(artifacts / "risk-dashboard.png"), full_page=True)

    page.get_by_test_id("count-red").scroll_into_view_if_needed()
    page.locator(f"a[href='/risk/analyses/{analysis.id}']").first.click()
    expect(page.get_by_test_id("analysis")).to_have_attribute("data-state", "draft")
    with page.expect_download() as download:
        page.get_by_test_id("report-docx-kk").click()
    saved = artifacts / "risk-report-kk.docx"
    download.value.save_as(str(saved))
    assert saved.read_bytes()[:2] == b"PK"  # a DOCX is a ZIP
    with page.expect_download() as download:
        page.get_by_test_id("report-pdf-ru").click()
    pdf = artifacts / "risk-report-ru.pdf"
    download.value.save_as(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")

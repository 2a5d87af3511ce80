"""A juror's marking day in a real browser (in Kazakh): sign in, open a ciphered work, page through
its masked pages with the keyboard, mark every criterion, submit; another juror's work is refused."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from integrity.jury.models import Assignment
from tests import factories as f
from tests.factories import ceremony

JUROR_PASSWORD = "a juror's long password"  # set by factories.drawable_round


def test_a_juror_marks_an_assigned_work_and_is_refused_another(
    page: Page, live_server: str, session: Any, artifacts: Any
) -> None:
    world = f.drawable_round(session, answer_pages=2)
    ceremony(session, world)
    juror = world.jurors[0]
    mine = (
        session.execute(
            select(Assignment).where(Assignment.juror_id == juror.id).order_by(Assignment.id)
        )
        .scalars()
        .all()
    )
    other = (
        session.execute(
            select(Assignment).where(Assignment.juror_id != juror.id).order_by(Assignment.id)
        )
        .scalars()
        .first()
    )
    cipher, other_id = mine[0].work.cipher, other.id
    session.commit()

    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(world.accounts[0].username)
    page.locator("input[name=password]").fill(JUROR_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server}/jury/")
    works = page.get_by_test_id("my-works")
    expect(works.locator("code")).to_have_count(len(mine))
    works.get_by_text(cipher, exact=True).click()
    expect(page.get_by_test_id("cipher")).to_have_text(cipher)

    # The masked pages load and the keyboard pages through them.
    first = page.locator("img[data-page]").first
    expect(first).to_be_visible()
    assert page.evaluate("document.querySelector('img[data-page]').naturalWidth") > 500
    expect(page.locator("[data-counter]")).to_have_text("1 / 2")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-counter]")).to_have_text("2 / 2")
    expect(page.locator("img[data-page]").nth(1)).to_be_visible()
    expect(page.locator("img[data-page]").first).to_be_hidden()  # one page at a time
    page.keyboard.press("+")
    page.screenshot(path=str(artifacts / "juror-work.png"), full_page=True)

    inputs = page.locator("[data-testid=mark-form] input[inputmode=decimal]")
    expect(inputs).to_have_count(4)  # two tasks, two criteria each
    for i, value in enumerate(["6.5", "3", "7", "2.5"]):
        inputs.nth(i).fill(value)
    page.locator("button[name=action][value=draft]").click()
    expect(inputs.first).to_have_value("6.5")
    page.locator("button[name=action][value=submit]").click()
    page.get_by_test_id("confirm-submit").click()  # the submission is confirmed on its own page
    expect(inputs.first).to_be_disabled()
    expect(page.locator("button[name=action]")).to_have_count(0)

    response = page.goto(f"{live_server}/jury/works/{other_id}")
    assert response is not None and response.status == 404
    image = page.goto(f"{live_server}/jury/works/{other_id}/pages/1.jpg")
    assert image is not None and image.status == 404
    session.expire_all()
    assert session.get(Assignment, mine[0].id).submitted_at is not None

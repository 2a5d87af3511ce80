"""The chair freezes a draw: the number of markers per work is shown filled in, and left empty it is
an error on the page, not a silent default."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.jury.models import Draw
from tests import factories as f
from tests.conftest import PASSWORD, Users


def test_an_empty_k_in_the_draw_form_is_an_error_and_freezes_nothing(
    page: Page, live_server: str, session: Any, users: Users
) -> None:
    world = f.drawable_round(session)
    chair = users.make(Role.CHAIR, username="chair", locale="ru")
    session.commit()
    page.goto(f"{live_server}/login")
    page.locator("input[name=username]").fill(chair.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server}/jury/rounds/{world.round.id}/draw")

    size = page.locator("input[name=freeze-size]")
    expect(size).to_have_value("2")  # double marking, shown rather than assumed
    size.fill("")
    size.evaluate("input => input.removeAttribute('required')")  # as a browser without checks
    page.locator("form[action$='/draw/freeze'] button[type=submit]").click()

    expect(page.locator("body")).to_contain_text(
        "Укажите, сколько членов жюри проверяют каждую работу (k), или размер комиссии."
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Draw)) == 0

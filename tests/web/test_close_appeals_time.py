"""Closing the appeals too early is refused with the window's end in the centre's time zone and
its label (not in UTC), in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest

from integrity.accounts.domain import Role
from integrity.clock import local_time
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import login

LABEL = {"kk": "Алматы уақыты (UTC+5)", "ru": "время Алматы (UTC+5)"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_closing_appeals_early_names_the_windows_end_in_the_centres_time(
    app: Any, client: Any, session: Any, users: Any, lang: str
) -> None:
    _, protocol = f.published(session)
    session.commit()
    login(client, users.make(Role.CHAIR, locale=lang))
    round_id, grade = protocol.round_id, protocol.grade
    page = client.post(f"/protocols/rounds/{round_id}/close-appeals", data={"grade": grade},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    local = local_time(settings_of(app).zone, protocol.appeals_until).strftime("%Y-%m-%d %H:%M")
    assert f"{local} {LABEL[lang]}" in page
    utc = protocol.appeals_until.strftime("%Y-%m-%d %H:%M")
    assert f"{utc} UTC" not in page

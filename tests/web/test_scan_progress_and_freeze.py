"""The round's progress for its page's script (files travelling by tus included), and the freeze
that only the confirmation page's button carries out."""

from __future__ import annotations

import base64
from typing import Any

from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from integrity.scans.models import ScanRound
from tests import factories as f


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def test_the_round_progress_lists_a_file_still_travelling_with_the_megabytes_sent(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    round_id = f.registered_round(session)["round"].id
    as_role(Role.IT_SPECIALIST)
    url = f"/scans/rounds/{round_id}/progress.json"
    empty = client.get(url).get_json()
    assert empty == {
        "transfers": [],
        "uploads": [],
        "totals": [["Беттер", 0], ["Жұмыстар", 0]],
        "busy": False,
    }
    created = client.post(
        "/uploads/tus/",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(3 << 20),
            "Upload-Metadata": _meta(filename="mfp.pdf", purpose="scans", round_id=str(round_id)),
        },
    )
    assert created.status_code == 201
    client.patch(
        created.headers["Location"],
        data=b"%PDF" + bytes((3 << 19) - 4),
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    (transfer,) = client.get(url).get_json()["transfers"]
    assert transfer["file"] == "mfp.pdf" and transfer["sent"] == 3 << 19
    assert transfer["text"] == "Жіберілді: 1,5 / 3,0 МБ (50%)"
    assert client.get(url).get_json()["busy"] is True
    page = client.get(f"/scans/rounds/{round_id}").get_data(as_text=True)
    assert "Жіберілді: 1,5 / 3,0 МБ (50%)" in page
    assert "Әзірге ештеңе жүктелмеген" not in page


def test_a_freeze_without_the_confirmation_pages_button_only_leads_to_that_page(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    round_id = f.registered_round(session)["round"].id
    as_role(Role.IT_SPECIALIST)
    answer = client.post(f"/scans/rounds/{round_id}/freeze")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/scans/rounds/{round_id}/freeze")
    confirm = client.get(f"/scans/rounds/{round_id}/freeze").get_data(as_text=True)
    assert "Бекітуді кері қайтару мүмкін емес." in confirm
    assert 'name="confirmed" value="yes"' not in confirm  # not ready: nothing to confirm yet
    state = session.get(ScanRound, round_id)
    assert state is None or state.frozen_at is None

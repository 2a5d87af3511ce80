"""The chair freezes and publishes a protocol on its page; the public results show it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from integrity.protocols.models import Protocol, ProtocolState
from tests.conftest import login
from tests.integration.test_protocols import marked_round


def test_the_chair_freezes_and_publishes_and_anyone_reads_the_ciphered_protocol(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = marked_round(session)
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/protocols/rounds/{world.round.id}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    protocol = session.query(Protocol).one()
    assert client.get(f"/results/protocols/{protocol.id}").status_code == 404  # a draft
    for step in ("freeze", "publish"):
        response = client.post(
            url, data={"csrf_token": token, "protocol": protocol.id, "step": step}
        )
        assert response.status_code == 302
    session.expire_all()
    protocol = session.query(Protocol).one()
    assert protocol.state is ProtocolState.PUBLISHED

    with client.session_transaction() as flask_session:
        flask_session.clear()
    listing = client.get(f"/results/events/{world.event.id}").get_data(as_text=True)
    assert f"/results/protocols/{protocol.id}" in listing
    public = client.get(f"/results/protocols/{protocol.id}").get_data(as_text=True)
    assert protocol.current.content_sha256 in public
    assert "Оқушы" not in public  # ciphers only
    csv = client.get(f"/results/protocols/{protocol.id}.csv")
    assert csv.status_code == 200 and protocol.current.content_sha256 in csv.get_data(as_text=True)


def test_an_observer_reads_the_protocols_but_cannot_freeze_them(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = marked_round(session)
    session.commit()
    login(client, users.make(Role.OBSERVER))
    url = f"/protocols/rounds/{world.round.id}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    protocol = session.query(Protocol).one()
    refused = client.post(
        url, data={"csrf_token": token, "protocol": protocol.id, "step": "freeze"}
    )
    assert refused.status_code == 403

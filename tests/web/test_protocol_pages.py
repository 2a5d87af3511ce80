"""The chair freezes and publishes a protocol on its page; the public results show it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.protocols.models import Protocol, ProtocolState
from tests.conftest import login
from tests.factories import marked_round


def test_the_chair_freezes_and_publishes_and_anyone_reads_the_ciphered_protocol(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = marked_round(session)
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/protocols/rounds/{world.round.id}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert (
        session.scalar(select(func.count()).select_from(Protocol)) == 0
    )  # looking at a draft writes nothing
    asked = client.post(f"{url}/freeze", data={"csrf_token": token, "grade": "10",
                                                "step": "freeze"})  # fmt: skip
    assert asked.status_code == 200  # the freeze step asks for the place, date and jury first
    response = client.post(f"{url}/freeze", data={
        "sign-csrf_token": token, "sign-grade": "10", "sign-place": "Тараз қ.",
        "sign-date": "2026-11-12", "sign-chair": "Төраға Т.", "sign-members": "Мүше М.",
    })  # fmt: skip
    assert response.status_code == 302  # frozen and published at once
    session.expire_all()
    protocol = session.execute(select(Protocol)).scalar_one()
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
    refused = client.post(f"{url}/freeze", data={"csrf_token": token, "grade": "10",
                                                  "step": "freeze"})  # fmt: skip
    assert refused.status_code == 403


def test_the_public_page_shows_names_only_once_the_final_protocol_is_published(
    client: FlaskClient, session: Any
) -> None:
    from integrity.protocols import services as protocols
    from tests import factories as f

    protocol = f.final_protocol(session, publish=False)
    session.commit()
    url = f"/results/protocols/{protocol.id}"
    assert "Оқушы" not in client.get(url).get_data(as_text=True)  # final, not yet published
    protocols.advance_publish(session, actor=f.ACTOR, protocol=protocol)
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Оқушы" not in page  # no guardian consented to public listing: nobody is named
    assert "Жарияланбайды" in page and protocol.current.content_sha256 in page
    from integrity.registry.models import Participant

    pupils = session.execute(select(Participant).order_by(Participant.id)).scalars().all()
    for pupil in pupils[1:]:
        pupil.consent_public = True
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert pupils[1].full_name in page and pupils[0].full_name not in page
    public_hash = re.search(r'data-testid="public-hash">([0-9a-f]{64})<', page)
    assert public_hash and public_hash.group(1) != protocol.current.content_sha256

    # The rendering stored at publication withheld everyone; consent changed what the public
    # sees, so the next refresh stores (and logs) a second rendering, with the page's hash.
    from integrity.audit.models import AuditEvent
    from integrity.protocols.models import PublicRendering

    first = session.execute(select(PublicRendering)).scalars().all()
    assert [(r.number, r.reason) for r in first] == [(1, "published")]
    assert protocols.refresh_public_renderings(session, actor=f.ACTOR) == 1
    assert protocols.refresh_public_renderings(session, actor=f.ACTOR) == 0  # nothing new
    session.commit()
    second = protocols.latest_rendering(session, protocol)
    assert second is not None and (second.number, second.reason) == (2, "consent changed")
    assert second.content_sha256 == public_hash.group(1)
    logged = (
        session.execute(select(AuditEvent).where(AuditEvent.action == "protocols.public_rendered"))
        .scalars()
        .all()
    )
    assert [json.loads(e.data)["rendering"] for e in logged] == [1, 2]
    assert (
        "public rendering 2"
        in client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        or "2" in page
    )


@pytest.mark.parametrize("group", ["vault", "protocols"])
def test_the_unseal_command_opens_the_round_and_lets_its_protocols_be_named(
    app: Any, session: Any, group: str
) -> None:
    import datetime as dt

    from integrity.protocols import services as protocols
    from integrity.protocols.models import ProtocolState
    from integrity.vault.models import IdentityLink
    from tests import factories as f

    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    session.commit()
    runner = app.test_cli_runner()
    args = [group, "unseal", "--round", str(world.round.id)]
    early = runner.invoke(args=args, input="a long chair passphrase\n")
    assert (
        early.exit_code == 1 and session.scalar(select(func.count()).select_from(IdentityLink)) == 0
    )  # appeals open
    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    session.commit()
    wrong = runner.invoke(args=args, input="not the passphrase\n")
    assert (
        wrong.exit_code == 1 and session.scalar(select(func.count()).select_from(IdentityLink)) == 0
    )
    done = runner.invoke(args=args, input="a long chair passphrase\n")
    assert done.exit_code == 0, done.output
    session.expire_all()
    assert (
        session.scalar(select(func.count()).select_from(IdentityLink)) == 6
    )  # every work of the marked round
    assert protocols.protocols_of(session, world.round)[0].state is ProtocolState.UNSEALED


def test_a_post_to_unseal_without_the_confirmation_page_unseals_nothing_and_asks_first(
    client: FlaskClient, session: Any, users: Any
) -> None:
    import datetime as dt

    from integrity.protocols import services as protocols
    from integrity.vault.models import IdentityLink
    from tests import factories as f

    world, protocol = f.published(session)
    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/protocols/rounds/{world.round.id}/unseal"
    asked = client.post(url, data={"passphrase": f.PASSPHRASE}, follow_redirects=True)
    page = asked.get_data(as_text=True)
    assert 'data-testid="confirm-unseal"' in page and 'name="confirm" value="unseal"' in page
    assert session.scalar(select(func.count()).select_from(IdentityLink)) == 0
    done = client.post(url, data={"passphrase": f.PASSPHRASE, "confirm": "unseal"})
    assert done.status_code == 302
    session.rollback()
    assert session.scalar(select(func.count()).select_from(IdentityLink)) == 6

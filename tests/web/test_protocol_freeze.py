"""The freeze step: the chair confirms the place, date and jury the protocol is signed with
(proposed from the round), and the frozen protocol's PDF prints them for ever."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.audit.models import AuditEvent
from integrity.protocols.models import Protocol, ProtocolState
from tests.conftest import login
from tests.factories import marked_round

MEMBERS = ["Естемесова Акмарал Турсынбековна", "Самеков Мейрбек Нурланович"]


def _pdf_text(client: FlaskClient, protocol_id: int, lang: str) -> str:
    body = client.get(f"/results/protocols/{protocol_id}.pdf?lang={lang}").get_data()
    pdf = pdfium.PdfDocument(body)
    return " ".join(
        " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split()
    )


def test_the_chair_confirms_place_date_and_jury_at_the_freeze_and_the_pdf_prints_them(
    client: FlaskClient, session: Any, users: Any
) -> None:
    world = marked_round(session)
    world.round.held_on = dt.date(2026, 11, 12)
    session.commit()
    chair = users.make(Role.CHAIR)
    login(client, chair)
    url = f"/protocols/rounds/{world.round.id}"
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    # The round page's button opens the step, proposing the round's date, the signed-in chair
    # and the jurors its draw gave works to.
    form = client.post(f"{url}/freeze", data={"csrf_token": token, "grade": "10"})
    asked = form.get_data(as_text=True)
    assert form.status_code == 200 and 'data-testid="freeze-form"' in asked
    assert 'value="2026-11-12"' in asked and chair.display_name in asked
    assert all(juror.full_name in asked for juror in world.jurors[:2])
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0

    # Refused without a place: nothing frozen, the form keeps what was typed.
    typed = {"sign-csrf_token": token, "sign-grade": "10", "sign-place": " ",
             "sign-date": "2026-11-13", "sign-chair": "Есеналиева Майра Аманкуловна",
             "sign-members": "\n".join(MEMBERS)}  # fmt: skip
    refused = client.post(f"{url}/freeze", data=typed)
    again = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="2026-11-13"' in again
    assert "Есеналиева Майра Аманкуловна" in again and MEMBERS[1] in again
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0

    done = client.post(f"{url}/freeze", data={**typed, "sign-place": "Тараз қ."})
    assert done.status_code == 302
    session.expire_all()
    protocol = session.execute(select(Protocol)).scalar_one()
    assert protocol.state is ProtocolState.PUBLISHED
    signing = {"place": "Тараз қ.", "date": "2026-11-13",
               "chair": "Есеналиева Майра Аманкуловна", "members": MEMBERS}  # fmt: skip
    assert json.loads(protocol.current.content)["signing"] == signing  # frozen, hashed
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "protocols.frozen")
    ).scalar_one()
    assert json.loads(event.data)["signing"] == signing  # audited
    assert (world.round.place, world.round.jury_chair) == ("Тараз қ.", signing["chair"])

    # The PDF prints them, in both languages; the round's data changing later changes nothing.
    world.round.place, world.round.jury_chair = "Шу қ.", "Басқа адам"
    session.commit()
    for lang, date in (("kk", "2026 жылғы «13» қараша"), ("ru", "«13» ноября 2026 г.")):
        text = _pdf_text(client, protocol.id, lang)
        assert "Тараз қ." in text and date in text and "Шу қ." not in text
        assert all(f"____ {name}" in text for name in [signing["chair"], *MEMBERS])


def test_the_freeze_command_signs_the_protocol_with_what_it_is_given(
    app: Any, session: Any
) -> None:
    world = marked_round(session)
    session.commit()
    runner = app.test_cli_runner()
    base = ["protocols", "freeze", "--round", str(world.round.id)]
    partial = runner.invoke(args=[*base, "--place", "Тараз қ.", "--date", "2026-11-12"])
    assert (
        partial.exit_code == 1 and session.scalar(select(func.count()).select_from(Protocol)) == 0
    )
    done = runner.invoke(args=[*base, "--place", "Тараз қ.", "--date", "2026-11-12",
                               "--chair", "Есеналиева М.А.", "--member", MEMBERS[0],
                               "--member", MEMBERS[1]])  # fmt: skip
    assert done.exit_code == 0, done.output
    session.expire_all()
    protocol = session.execute(select(Protocol)).scalar_one()
    assert json.loads(protocol.current.content)["signing"] == {
        "place": "Тараз қ.",
        "date": "2026-11-12",
        "chair": "Есеналиева М.А.",
        "members": MEMBERS,
    }


def test_the_named_protocol_is_frozen_through_the_same_step_proposing_what_the_ciphered_one_was_signed_with(
    client: FlaskClient, session: Any, users: Any
) -> None:
    from integrity.protocols import services as protocols
    from integrity.protocols.services import signing
    from integrity.protocols.services.unsealing import unseal_round
    from tests import factories as f

    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    signed = signing.checked(
        "Тараз қ.", dt.date(2026, 11, 12), "Есеналиева М.А.", "\n".join(MEMBERS)
    )
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol, signing=signed)
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    unseal_round(session, actor=f.ACTOR, round_=world.round, passphrase=f.PASSPHRASE)
    protocols.mark_unsealed(session, world.round)
    session.commit()
    login(client, users.make(Role.CHAIR))
    url = f"/protocols/rounds/{world.round.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="step" value="freeze"' in page  # the named protocol's freeze is offered
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    asked = client.post(f"{url}/freeze", data={"csrf_token": token, "grade": "10"})
    form = asked.get_data(as_text=True)
    assert 'value="Тараз қ."' in form and 'value="Есеналиева М.А."' in form and MEMBERS[1] in form
    done = client.post(f"{url}/freeze", data={
        "sign-csrf_token": token, "sign-grade": "10", "sign-place": "Тараз қ.",
        "sign-date": "2026-11-20", "sign-chair": "Есеналиева М.А.", "sign-members": MEMBERS[0],
    })  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    named = session.execute(select(Protocol)).scalar_one().current
    assert named.named and json.loads(named.content)["signing"]["date"] == "2026-11-20"
    assert json.loads(named.content)["signing"]["members"] == MEMBERS[:1]

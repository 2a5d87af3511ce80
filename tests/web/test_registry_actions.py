"""Each change on a registry page has its own POST route: it commits once and returns to the page,
or shows the page again with the problem, nothing saved. The administrator's user pages too."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.extensions import db
from integrity.registry.models import (
    District,
    Entry,
    Juror,
    JurorDeclaration,
    JurorRelation,
    Participant,
    Room,
    RoomObserver,
    School,
    Venue,
)
from integrity.registry.services import people
from tests import factories as f


def count(model: type[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_participants_consent_and_entry_are_posted_to_their_own_routes(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    school = f.school(session, f.district(session))
    _, round_ = f.subject_with_round(session, f.event(session))
    pupil = people.register_participant(
        session, actor=f.ACTOR, iin=f.iin(1), surname="Ким", given_name="Анна", patronymic=None,
        grade=9, school=school,
    )  # fmt: skip
    session.commit()
    as_role(Role.ORGANISER)
    base = f"/registry/participants/{pupil.id}"
    page = client.get(base).get_data(as_text=True)
    assert f'action="{base}/consent"' in page and f'action="{base}/entries"' in page

    future = {"consent-consent_by": "Ким Ата", "consent-consent_date": "2099-11-01"}
    refused = client.post(f"{base}/consent", data=future)
    assert refused.status_code == 200
    assert 'id="consent-consent_date-error"' in refused.get_data(as_text=True)
    given = {"consent-consent_by": "Ким Ата", "consent-consent_date": "2026-11-01"}
    assert client.post(f"{base}/consent", data=given).headers["Location"] == base
    assert db.session.get(Participant, pupil.id).consent_by == "Ким Ата"  # type: ignore[union-attr]

    assert client.post(f"{base}/entries", data={"enter-round_id": round_.id}).status_code == 302
    again = client.post(f"{base}/entries", data={"enter-round_id": round_.id})
    assert again.status_code == 200  # already entered: refused, shown on the page
    assert count(Entry) == 1


def test_a_jurors_subjects_relations_and_declarations_are_posted_to_their_own_routes(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    school = f.school(session, f.district(session))
    event = f.event(session)
    subject, _ = f.subject_with_round(session, event)
    session.commit()
    as_role(Role.ORGANISER)
    new = {"surname": "Сейіт", "given_name": "Бек", "organisation_kind": "school",
           "organisation": "№1 мектеп", "school_id": school.id, "district_id": 0}  # fmt: skip
    assert client.post("/registry/jurors/new", data=new).status_code == 302
    juror = db.session.scalars(select(Juror)).one()
    base = f"/registry/jurors/{juror.id}"
    page = client.get(base).get_data(as_text=True)
    for action in ("subjects", "relations", "declarations"):
        assert f'action="{base}/{action}"' in page

    assert client.post(f"{base}/subjects", data={"subject_ids": [subject.id]}).status_code == 302
    relation = {"relation-kind": "relative", "relation-full_name": "Ким Анна"}
    assert client.post(f"{base}/relations", data=relation).status_code == 302
    signed = {"declaration-event_id": event.id, "declaration-confirm": "y"}
    assert client.post(f"{base}/declarations", data=signed).status_code == 302
    assert client.post(f"{base}/declarations", data=signed).status_code == 200  # signed once only
    db.session.expire_all()
    assert [s.subject_id for s in db.session.get(Juror, juror.id).subjects] == [subject.id]  # type: ignore[union-attr]
    assert (count(JurorRelation), count(JurorDeclaration)) == (1, 1)


def test_a_venues_rooms_and_observers_are_posted_to_their_own_routes(
    client: FlaskClient, as_role: Any
) -> None:
    as_role(Role.ORGANISER)
    assert client.post("/registry/districts", data={"name_kk": "Аудан", "name_ru": "Район"}).status_code == 302  # fmt: skip
    district = db.session.scalars(select(District)).one()
    school = {"district_id": district.id, "name_kk": "Мектеп", "name_ru": "Школа"}
    assert client.post("/registry/schools", data=school).status_code == 302
    assert count(School) == 1
    assert client.post("/registry/venues", data={"name": "Орталық"}).status_code == 302
    venue = db.session.scalars(select(Venue)).one()
    base = f"/registry/venues/{venue.id}"
    assert f'action="{base}/rooms"' in client.get(base).get_data(as_text=True)

    assert client.post(f"{base}/rooms", data={"room-name": "", "room-capacity": 20}).status_code == 200  # fmt: skip
    assert client.post(f"{base}/rooms", data={"room-name": "101", "room-capacity": 20}).status_code == 302  # fmt: skip
    room = db.session.scalars(select(Room)).one()
    assert f'action="{base}/observers"' in client.get(base).get_data(as_text=True)  # with a room
    observer = {"room_id": room.id, "observer-full_name": "Бақылаушы Әли"}
    assert client.post(f"{base}/observers", data=observer).status_code == 302
    assert count(RoomObserver) == 1


def test_an_administrator_cannot_deactivate_their_own_account(
    client: FlaskClient, as_role: Any, users: Any
) -> None:
    me = as_role(Role.ADMIN)
    other = users.make(Role.OBSERVER)
    assert client.post(f"/admin/users/{me.id}", data={"roles": ["admin"]}).status_code == 200
    assert db.session.get(User, me.id).active  # type: ignore[union-attr]
    changed = {"roles": ["chair"], "active": "y"}
    assert client.post(f"/admin/users/{other.id}", data=changed).status_code == 302
    assert client.post(f"/admin/users/{other.id}", data={"roles": ["chair"]}).status_code == 302
    db.session.expire_all()
    edited = db.session.get(User, other.id)
    assert edited is not None and edited.roles == {Role.CHAIR} and not edited.active


def test_registry_events_and_users_list_from_the_command_line(app: Flask, session: Any) -> None:
    event = f.event(session)
    session.commit()
    listed = app.test_cli_runner().invoke(args=["registry", "events", "--json"])
    assert listed.exit_code == 0 and f'"id": {event.id}' in listed.output
    assert app.test_cli_runner().invoke(args=["users", "list"]).exit_code == 0

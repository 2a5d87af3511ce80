"""Districts, schools, venues, rooms and room observers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.registry.models import District, Room, RoomObserver, School, Venue


def _text(value: str | None, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise InvalidInput(_l("This field is required."), field=field)
    return text


def _optional_url(value: str | None, field: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.startswith(("https://", "http://", "rtsp://")):
        raise InvalidInput(_l("A link starts with https://, http:// or rtsp://."), field=field)
    return text


def add_district(
    session: AnySession, *, actor: Actor, name_kk: str, name_ru: str, kato: str | None = None
) -> District:
    name_kk = _text(name_kk, "name_kk")
    if session.scalar(
        select(func.count()).select_from(District).where(District.name_kk == name_kk)
    ):
        raise Conflict(_l("This district already exists."), field="name_kk")
    kato = (kato or "").strip() or None
    if kato is not None and not (kato.isdigit() and len(kato) == 9):
        raise InvalidInput(_l("A KATO code has 9 digits."), field="kato")
    district = District(name_kk=name_kk, name_ru=_text(name_ru, "name_ru"), kato=kato)
    session.add(district)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_district",
        subject=f"district:{district.id}",
        data={"name_kk": district.name_kk},
    )
    return district


def add_school(
    session: AnySession,
    *,
    actor: Actor,
    district: District,
    name_kk: str,
    name_ru: str,
    bin_: str | None = None,
) -> School:
    name_kk = _text(name_kk, "name_kk")
    duplicate = session.scalar(
        select(func.count())
        .select_from(School)
        .where(School.district_id == district.id, School.name_kk == name_kk)
    )
    if duplicate:
        raise Conflict(_l("This district already has a school with that name."), field="name_kk")
    bin_ = (bin_ or "").strip() or None
    if bin_ is not None and not (bin_.isdigit() and len(bin_) == 12):
        raise InvalidInput(_l("A BIN has 12 digits."), field="bin")
    school = School(district=district, name_kk=name_kk, name_ru=_text(name_ru, "name_ru"), bin=bin_)
    session.add(school)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_school",
        subject=f"school:{school.id}",
        data={"district_id": district.id, "name_kk": school.name_kk},
    )
    return school


def add_venue(session: AnySession, *, actor: Actor, name: str, address: str | None = None) -> Venue:
    name = _text(name, "name")
    if session.scalar(select(func.count()).select_from(Venue).where(Venue.name == name)):
        raise Conflict(_l("A venue with this name exists."), field="name")
    venue = Venue(name=name, address=(address or "").strip() or None)
    session.add(venue)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_venue",
        subject=f"venue:{venue.id}",
        data={"name": name},
    )
    return venue


def add_room(
    session: AnySession,
    *,
    actor: Actor,
    venue: Venue,
    name: str,
    capacity: int,
    camera_stream_url: str | None = None,
    recording_url: str | None = None,
) -> Room:
    name = _text(name, "name")
    if capacity <= 0:
        raise InvalidInput(_l("Capacity must be above zero."), field="capacity")
    if any(r.name == name for r in venue.rooms):
        raise Conflict(_l("This venue already has a room with that name."), field="name")
    room = Room(
        venue=venue,
        name=name,
        capacity=capacity,
        camera_stream_url=_optional_url(camera_stream_url, "camera_stream_url"),
        recording_url=_optional_url(recording_url, "recording_url"),
    )
    session.add(room)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_room",
        subject=f"room:{room.id}",
        data={"venue_id": venue.id, "name": name, "capacity": capacity},
    )
    return room


def add_room_observer(
    session: AnySession,
    *,
    actor: Actor,
    room: Room,
    full_name: str,
    organisation: str | None = None,
) -> RoomObserver:
    observer = RoomObserver(
        room=room,
        full_name=_text(full_name, "full_name"),
        organisation=(organisation or "").strip() or None,
    )
    session.add(observer)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="registry.add_room_observer",
        subject=f"room:{room.id}",
        data={"observer_id": observer.id},
    )
    return observer

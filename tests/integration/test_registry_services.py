"""Every registry service records exactly one audit event, and refuses bad input with a clear error."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.kinds import (
    EntryStatus,
    EventKind,
    OrganisationKind,
    RelationKind,
    Stage,
)
from integrity.registry.models import Entry, Participant
from integrity.registry.services import catalogue, people, places
from tests import factories as f
from tests.conftest import expect_events

A = f.ACTOR


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    ev = f.event(session)
    subject, round_ = f.subject_with_round(session, ev)
    d = f.district(session)
    s = f.school(session, d)
    session.commit()
    return {"event": ev, "subject": subject, "round": round_, "district": d, "school": s}


def test_catalogue_services_record_one_event_each(session: Any, world: dict[str, Any]) -> None:
    with expect_events("registry.create_event"):
        ev = f.event(session, title_kk="Жобалар байқауы")
    with expect_events("registry.update_event"):
        catalogue.update_event(
            session,
            actor=A,
            event=ev,
            title_kk="Ғылыми жобалар байқауы",
            title_ru="Конкурс научных проектов",
            title_en=None,
            kind=EventKind.SCIENCE_PROJECTS,
            stage=Stage.REGIONAL,
            academic_year="2026-2027",
        )
    assert ev.kind is EventKind.SCIENCE_PROJECTS
    with expect_events():  # the same details again change nothing
        catalogue.update_event(
            session,
            actor=A,
            event=ev,
            title_kk="Ғылыми жобалар байқауы",
            title_ru="Конкурс научных проектов",
            title_en=None,
            kind=EventKind.SCIENCE_PROJECTS,
            stage=Stage.REGIONAL,
            academic_year="2026-2027",
        )
    with expect_events("registry.add_subject"):
        subject = catalogue.add_subject(
            session,
            actor=A,
            event=ev,
            code="phys",
            name_kk="Физика",
            name_ru="Физика",
            name_en=None,
            grade_min=9,
            grade_max=11,
        )
    assert subject.code == "PHYS"
    with expect_events("registry.add_round"):
        round_ = catalogue.add_round(
            session, actor=A, subject=subject, held_on=dt.date(2026, 12, 5)
        )
    with expect_events("registry.add_task"):
        task = catalogue.add_task(
            session,
            actor=A,
            round_=round_,
            title_kk="Есеп",
            title_ru="Задача",
            max_units=20,
            criteria=[("Шешім", "Решение", 14), ("Жауап", "Ответ", 6)],
        )
    with expect_events("registry.set_scheme"):
        catalogue.set_scheme(
            session, actor=A, task=task, max_units=10, criteria=[("Бәрі", "Всё", 10)]
        )
    with expect_events("registry.freeze_scheme"):
        catalogue.freeze_scheme(session, actor=A, task=task)
    with expect_events():  # freezing twice changes nothing
        catalogue.freeze_scheme(session, actor=A, task=task)


def test_a_frozen_marking_scheme_cannot_change(session: Any, world: dict[str, Any]) -> None:
    task = catalogue.add_task(
        session,
        actor=A,
        round_=world["round"],
        title_kk="Есеп",
        title_ru="Задача",
        max_units=4,
        criteria=[("Шешім", "Решение", 4)],
    )
    catalogue.freeze_scheme(session, actor=A, task=task)
    with pytest.raises(Conflict), expect_events():
        catalogue.set_scheme(
            session, actor=A, task=task, max_units=6, criteria=[("Шешім", "Решение", 6)]
        )


def test_criteria_must_add_up_to_the_tasks_maximum(session: Any, world: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as refused, expect_events():
        catalogue.add_task(
            session,
            actor=A,
            round_=world["round"],
            title_kk="Есеп",
            title_ru="Задача",
            max_units=10,
            criteria=[("Шешім", "Решение", 4)],
        )
    assert refused.value.details["field"] == "criteria"


def test_place_services_record_one_event_each(session: Any, world: dict[str, Any]) -> None:
    with expect_events("registry.add_district"):
        d = places.add_district(
            session, actor=A, name_kk="Шу ауданы", name_ru="Шуский район", kato="315000000"
        )
    with expect_events("registry.add_school"):
        places.add_school(
            session,
            actor=A,
            district=d,
            name_kk="№5 мектеп",
            name_ru="Школа №5",
            bin_="123456789012",
        )
    with expect_events("registry.add_venue"):
        venue = places.add_venue(session, actor=A, name="Дарын орталығы")
    with expect_events("registry.add_room"):
        room = places.add_room(
            session,
            actor=A,
            venue=venue,
            name="101",
            capacity=20,
            camera_stream_url="https://cam.example.invalid/101",
        )
    with expect_events("registry.add_room_observer"):
        places.add_room_observer(session, actor=A, room=room, full_name="Бақылаушы Ата-ана")
    with pytest.raises(InvalidInput):
        places.add_room(
            session,
            actor=A,
            venue=venue,
            name="102",
            capacity=10,
            camera_stream_url="javascript:alert(1)",
        )


def test_participant_services_record_one_event_each(session: Any, world: dict[str, Any]) -> None:
    with expect_events("registry.add_participant"):
        p = people.register_participant(
            session,
            actor=A,
            iin=f.iin(1),
            surname="Сәрсенбаева",
            given_name="Әсел",
            patronymic="Қайратқызы",
            grade=9,
            school=world["school"],
        )
    with expect_events("registry.record_consent"):
        people.record_consent(
            session,
            actor=A,
            participant=p,
            consent_by="Сәрсенбаев Қайрат",
            consent_date=dt.date(2026, 11, 1),
            consent_public=True,
            zone=ZoneInfo("Asia/Almaty"),
        )
    with expect_events("registry.add_entry"):
        entry = people.enter_participant(session, actor=A, round_=world["round"], participant=p)
    with expect_events("registry.set_entry_status"):
        people.set_entry_status(
            session,
            actor=A,
            entry=entry,
            status=EntryStatus.DISQUALIFIED,
            reason="Телефон пайдаланды",
            evidence_url="https://cam.example.invalid/rec/1",
        )
    assert entry.status is EntryStatus.DISQUALIFIED


def test_a_disqualification_needs_a_reason_in_the_service_and_in_the_database(
    session: Any, world: dict[str, Any]
) -> None:
    p = people.register_participant(
        session,
        actor=A,
        iin=f.iin(2),
        surname="Ким",
        given_name="Анна",
        patronymic=None,
        grade=10,
        school=world["school"],
    )
    entry = people.enter_participant(session, actor=A, round_=world["round"], participant=p)
    session.commit()
    with pytest.raises(InvalidInput):
        people.set_entry_status(
            session, actor=A, entry=entry, status=EntryStatus.DISQUALIFIED, reason=" "
        )
    session.rollback()
    entry = session.get(Entry, entry.id)
    entry.status = EntryStatus.DISQUALIFIED
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_kazakh_names_are_stored_nfc_normalised(session: Any, world: dict[str, Any]) -> None:
    decomposed = unicodedata.normalize("NFD", "Әбдірахманова")
    p = people.register_participant(
        session,
        actor=A,
        iin=f.iin(3),
        surname=decomposed,
        given_name="Іңкәр",
        patronymic=None,
        grade=9,
        school=world["school"],
    )
    session.commit()
    stored = session.get(Participant, p.id)
    assert stored.surname == "Әбдірахманова"
    assert unicodedata.is_normalized("NFC", stored.surname)


@pytest.mark.parametrize(
    ("iin", "field"),
    [("12345", "iin"), ("991340400012", "iin")],
)
def test_an_invalid_iin_is_refused_before_anything_is_written(
    session: Any, world: dict[str, Any], iin: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, expect_events():
        people.register_participant(
            session,
            actor=A,
            iin=iin,
            surname="Иванов",
            given_name="Иван",
            patronymic=None,
            grade=9,
            school=world["school"],
        )
    assert refused.value.details["field"] == field


def test_a_grade_outside_the_subjects_range_cannot_enter(
    session: Any, world: dict[str, Any]
) -> None:
    p = people.register_participant(
        session,
        actor=A,
        iin=f.iin(4),
        surname="Жақыпов",
        given_name="Ерұлан",
        patronymic=None,
        grade=7,
        school=world["school"],
    )
    with pytest.raises(InvalidInput), expect_events():
        people.enter_participant(session, actor=A, round_=world["round"], participant=p)


def test_juror_services_record_one_event_each(session: Any, world: dict[str, Any]) -> None:
    with expect_events("registry.add_juror"):
        juror = people.register_juror(
            session,
            actor=A,
            surname="Омарова",
            given_name="Гүлнар",
            patronymic=None,
            organisation_kind=OrganisationKind.SCHOOL,
            organisation="№1 мектеп",
            school=world["school"],
            subjects=[world["subject"]],
        )
    assert juror.district_id == world["district"].id
    with expect_events("registry.declare_relation"):
        people.declare_relation(
            session,
            actor=A,
            juror=juror,
            kind=RelationKind.RELATIVE,
            full_name="Омаров Дәулет",
            iin=f.iin(5),
        )
    with expect_events("registry.sign_declaration"):
        people.sign_declaration(session, actor=A, juror=juror, event=world["event"])
    with pytest.raises(Conflict), expect_events():
        people.sign_declaration(session, actor=A, juror=juror, event=world["event"])
    with expect_events("registry.set_juror_subjects"):
        people.set_juror_subjects(session, actor=A, juror=juror, subjects=[])


def test_assign_seats_fills_rooms_in_order_and_records_one_event(
    session: Any, world: dict[str, Any]
) -> None:
    venue = places.add_venue(session, actor=A, name="Орталық")
    small = places.add_room(session, actor=A, venue=venue, name="A", capacity=2)
    large = places.add_room(session, actor=A, venue=venue, name="B", capacity=5)
    for n in range(4):
        p = people.register_participant(
            session,
            actor=A,
            iin=f.iin(10 + n),
            surname="Қасымов",
            given_name=f"Нұрлан{'а' * n}",
            patronymic=None,
            grade=10,
            school=world["school"],
        )
        people.enter_participant(session, actor=A, round_=world["round"], participant=p)
    with expect_events("registry.assign_seats"):
        seated = people.assign_seats(session, actor=A, round_=world["round"], rooms=[small, large])
    assert seated == 4
    rooms = sorted((e.room.name, e.seat) for e in session.execute(select(Entry)).scalars().all())
    assert rooms == [("A", "1"), ("A", "2"), ("B", "1"), ("B", "2")]
    with expect_events():
        assert (
            people.assign_seats(session, actor=A, round_=world["round"], rooms=[small, large]) == 0
        )

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.registry.models import Event, Participant, Round, Subject, Task
from integrity.registry.services import people
from tests import factories as f


@pytest.fixture
def places(session: Any) -> dict[str, Any]:
    d = f.district(session)
    school = f.school(session, d)
    session.commit()
    return {"district": d, "school": school}


def test_an_organiser_builds_an_event_with_a_subject_a_round_and_a_task(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    response = client.post(
        "/registry/events",
        data={
            "title_kk": "Облыстық олимпиада",
            "title_ru": "Областная олимпиада",
            "kind": "subject_olympiad",
            "stage": "regional",
            "academic_year": "2026-2027",
        },
    )
    assert response.status_code == 302
    event = session.execute(select(Event)).scalar_one()
    response = client.post(
        f"/registry/events/{event.id}",
        data={
            "subject-code": "math",
            "subject-name_kk": "Математика",
            "subject-name_ru": "Математика",
            "subject-grade_min": "9",
            "subject-grade_max": "11",
        },
    )
    assert response.status_code == 302
    subject = session.execute(select(Subject)).scalar_one()
    assert subject.code == "MATH"
    client.post(f"/registry/subjects/{subject.id}/rounds", data={"round-answer_pages": "6"})
    round_ = session.execute(select(Round)).scalar_one()
    assert round_.answer_pages == 6
    response = client.post(
        f"/registry/rounds/{round_.id}",
        data={
            "title_kk": "Теңдеу",
            "title_ru": "Уравнение",
            "max_points": "7",
            "criteria": "5 | Шешім | Решение\n2 | Жауап | Ответ",
        },
    )
    assert response.status_code == 302
    task = session.execute(select(Task)).scalar_one()
    assert [c.max_units for c in task.criteria] == [10, 4]
    page = client.get(f"/registry/events/{event.id}").get_data(as_text=True)
    assert "Математика" in page
    assert "1-тур" in page


def test_a_bad_academic_year_is_shown_at_its_field_in_kazakh(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    response = client.post(
        "/registry/events",
        data={
            "title_kk": "Олимпиада",
            "title_ru": "Олимпиада",
            "kind": "robotics",
            "stage": "city",
            "academic_year": "2026-2030",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="academic_year-error"' in page
    assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_the_upload_page_lists_every_bad_row_and_saves_nothing(
    client: FlaskClient, as_role: Any, session: Any, places: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    event = f.event(session)
    f.subject_with_round(session, event)
    session.commit()
    csv = (
        "ЖСН;Тегі;Аты;Сынып;Мектеп;Пән\n12345;Әлиев;Нұр;9;№1 мектеп;MATH\n"
        + f"{f.iin(1)};Ким;Анна;15;№1 мектеп;MATH\n"
    )
    response = client.post(
        f"/registry/events/{event.id}/import/participants",
        data={"file": (io.BytesIO(csv.encode()), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302  # to the upload's page, where the check job reports
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="checked"' in page and "registry.apply_import" not in page
    assert "/apply" not in page  # nothing to confirm
    table = re.search(r'data-testid="import-errors".*?</table>', page, re.S)
    assert table is not None
    assert table.group(0).count("<tr>") == 3  # header + two bad rows
    assert "ЖСН 12 цифрдан тұруы керек" in table.group(0)
    assert "сынып — 1-ден 12-ге дейінгі бүтін сан" in table.group(0)
    assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_a_good_upload_is_checked_then_imported_on_confirmation(
    client: FlaskClient, as_role: Any, session: Any, places: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    event = f.event(session)
    f.subject_with_round(session, event)
    session.commit()
    csv = f"ЖСН,Тегі,Аты,Сынып,Мектеп,Пән\n{f.iin(1)},Әбілқайыр,Дәулет,10,№1 мектеп,MATH\n"
    response = client.post(
        f"/registry/events/{event.id}/import/participants",
        data={"file": (io.BytesIO(csv.encode("utf-8-sig")), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    run_page = response.headers["Location"]
    assert (
        session.scalar(select(func.count()).select_from(Participant)) == 0
    )  # checked, not imported
    confirmed = client.post(run_page + "/apply")
    assert confirmed.status_code == 302
    page = client.get(run_page).get_data(as_text=True)
    assert 'data-state="applied"' in page
    listing = re.search(r'href="([^"]*/participants)"', page)
    assert listing is not None
    assert "Әбілқайыр Дәулет" in client.get(listing.group(1)).get_data(as_text=True)


def test_participant_lists_paginate_and_search_by_name_iin_and_school(
    client: FlaskClient, as_role: Any, session: Any, places: dict[str, Any]
) -> None:
    other = f.school(session, places["district"], "№9 лицей", "Лицей №9")
    for n in range(60):
        people.register_participant(
            session,
            actor=f.ACTOR,
            iin=f.iin(n + 1),
            surname="Сейітов" if n else "Ёлкин",
            given_name=f"Бала{'а' * (n % 5)}",
            patronymic=None,
            grade=9,
            school=other if n == 5 else places["school"],
        )
    session.commit()
    as_role(Role.ORGANISER)
    first = client.get("/registry/participants").get_data(as_text=True)
    assert first.count("/registry/participants/") - first.count("/registry/participants/new") == 50
    assert 'rel="next"' in first
    second = client.get("/registry/participants?page=2").get_data(as_text=True)
    assert second.count("Сейітов") + second.count("Ёлкин") == 10
    assert "Ёлкин" in client.get("/registry/participants?q=елкин").get_data(as_text=True)
    by_iin = client.get(f"/registry/participants?q={f.iin(3)}").get_data(as_text=True)
    assert by_iin.count("<code>") == 1
    by_school = client.get("/registry/participants?q=лицей").get_data(as_text=True)
    assert by_school.count("<code>") == 1


def test_an_it_specialist_reads_participants_but_cannot_register_one(
    client: FlaskClient, as_role: Any, places: dict[str, Any]
) -> None:
    as_role(Role.IT_SPECIALIST)
    assert client.get("/registry/participants").status_code == 200
    assert client.get("/registry/participants/new").status_code == 403


def test_the_participant_list_is_in_kazakh_alphabetical_order(
    client: FlaskClient, as_role: Any, session: Any, places: dict[str, Any]
) -> None:
    for n, surname in enumerate(["Ғабитов", "Беков", "Әбілов", "Ахметов"]):
        people.register_participant(
            session,
            actor=f.ACTOR,
            iin=f.iin(n + 1),
            surname=surname,
            given_name="Нұр",
            patronymic=None,
            grade=9,
            school=places["school"],
        )
    session.commit()
    as_role(Role.ORGANISER)
    page = client.get("/registry/participants").get_data(as_text=True)
    positions = [page.index(name) for name in ("Ахметов", "Әбілов", "Беков", "Ғабитов")]
    assert positions == sorted(positions)


def test_an_organiser_edits_an_events_details(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    event = f.event(session)
    session.commit()
    page = client.get(f"/registry/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Облыстық олимпиада"' in page
    response = client.post(
        f"/registry/events/{event.id}/edit",
        data={
            "title_kk": "Облыстық олимпиада (II кезең)",
            "title_ru": "Областная олимпиада",
            "kind": "subject_olympiad",
            "stage": "regional",
            "academic_year": "2026-2027",
            "same_district_conflict": "y",
        },
    )
    assert response.status_code == 302
    session.refresh(event)
    assert event.title_kk == "Облыстық олимпиада (II кезең)"
    assert event.same_district_conflict is True


def test_bad_points_are_shown_at_the_field_that_holds_them(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    event = f.event(session)
    _, round_ = f.subject_with_round(session, event)
    session.commit()
    page = client.post(
        f"/registry/rounds/{round_.id}",
        data={
            "title_kk": "Есеп",
            "title_ru": "Задача",
            "max_points": "7.25",
            "criteria": "7 | Шешім",
        },
    ).get_data(as_text=True)
    assert 'id="max_points-error"' in page
    page = client.post(
        f"/registry/rounds/{round_.id}",
        data={
            "title_kk": "Есеп",
            "title_ru": "Задача",
            "max_points": "7",
            "criteria": "seven | Шешім",
        },
    ).get_data(as_text=True)
    assert 'id="criteria-error"' in page
    assert session.scalar(select(func.count()).select_from(Task)) == 0

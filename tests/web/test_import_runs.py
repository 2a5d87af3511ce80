"""An uploaded list is stored by the request, checked by a job, confirmed by a person and imported
by a job from the same stored file."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity import jobs
from integrity.accounts.domain import Role
from integrity.audit.models import AuditEvent
from integrity.extensions import db
from integrity.jobs import services as job_services
from integrity.jobs.models import Job
from integrity.registry.models import ImportRun, Participant, School
from integrity.registry.services import imports
from integrity.settings import settings_of
from integrity.storage import file_store
from tests import factories as f


@pytest.fixture
def world(session: Any) -> dict[str, Any]:
    event = f.event(session)
    f.subject_with_round(session, event)
    district = f.district(session)
    school = f.school(session, district)
    session.commit()
    return {"event": event, "school": school}


def upload(client: FlaskClient, event_id: int, text: str, name: str = "list.csv") -> str:
    response = client.post(
        f"/registry/events/{event_id}/import/participants",
        data={"file": (io.BytesIO(text.encode("utf-8-sig")), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return str(response.headers["Location"])


def good_list(extra_header: str = "", extra_cell: str = "") -> str:
    return (
        f"ЖСН,Тегі,Аты,Сынып,Мектеп,Пән{extra_header}\n"
        f"{f.iin(1)},Әбілқайыр,Дәулет,10,№1 мектеп,MATH{extra_cell}\n"
        f"{f.iin(2)},Сәрсенова,Әйгерім,9,№1 мектеп,MATH{extra_cell}\n"
    )


def state_of(page: str) -> str:
    import re

    found = re.search(r'data-testid="import-run" data-state="([a-z]+)"', page)
    assert found is not None
    return found.group(1)


def actions() -> list[str]:
    return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_the_request_only_stores_the_file_and_a_job_reads_it(
    app: Flask, client: FlaskClient, as_role: Any, world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    system = jobs.system(app)  # jobs go to a real queue, not run in the request
    system.inline, system.url, system._transport = (
        False,
        f"sqlite:///{tmp_path / 'q.sqlite3'}",
        None,
    )
    as_role(Role.ORGANISER)
    real = imports.read_table

    def not_in_a_request(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request parsed the table")

    monkeypatch.setattr(imports, "read_table", not_in_a_request)
    page = upload(client, world["event"].id, good_list())
    assert state_of(client.get(page).get_data(as_text=True)) == "checking"
    busy = client.get(page).get_data(as_text=True)
    assert 'data-poll="2"' in busy and "js/poll.js" in busy  # asks again until done
    job = db.session.execute(select(Job)).scalar_one()
    assert job.kind == "registry.check_import" and job.state == "queued"

    monkeypatch.setattr(imports, "read_table", real)
    assert job_services.execute(app, job.id, owner="w", stop=threading.Event()) == "done"
    db.session.expire_all()
    checked = client.get(page).get_data(as_text=True)
    assert state_of(checked) == "checked"
    result = db.session.execute(select(ImportRun)).scalar_one().result
    assert result is not None and (result["created"], result["errors"]) == (2, [])
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_unknown_columns_are_named_and_the_import_waits_for_their_confirmation(
    client: FlaskClient, as_role: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    page = upload(client, world["event"].id, good_list(",Ескертпе", ",бірдеңе"))
    checked = client.get(page).get_data(as_text=True)
    assert state_of(checked) == "checked" and "Ескертпе" in checked
    assert 'name="accept_unknown_columns"' in checked

    refused = client.post(page + "/apply")
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    assert state_of(refused.get_data(as_text=True)) == "checked"

    assert client.post(page + "/apply", data={"accept_unknown_columns": "y"}).status_code == 302
    done = client.get(page).get_data(as_text=True)
    assert state_of(done) == "applied" and "Ескертпе" in done
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def test_a_file_with_bad_rows_lists_them_with_its_unknown_columns_and_cannot_be_confirmed(
    client: FlaskClient, as_role: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    bad = good_list(",Ескертпе", ",x").replace("Дәулет,10", "Дәулет,15")
    page = upload(client, world["event"].id, bad)
    listed = client.get(page).get_data(as_text=True)
    assert 'data-testid="import-errors"' in listed
    assert "Ескертпе" in listed  # the unknown column is named among the problems, not dropped
    run = db.session.execute(select(ImportRun)).scalar_one()
    assert run.stored_sha256 is None  # nothing will be imported from it: the list is not kept
    assert client.post(page + "/apply").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_each_step_is_audited_and_a_second_confirmation_imports_nothing_twice(
    client: FlaskClient, as_role: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    page = upload(client, world["event"].id, good_list())
    assert client.post(page + "/apply").status_code == 302
    assert client.post(page + "/apply").status_code == 409  # applied: nothing left to confirm
    steps = [a for a in actions() if a.startswith("registry.import")]
    assert steps == [
        "registry.import_received",
        "registry.import_checked",
        "registry.import_confirmed",
        "registry.import_participants",
        "registry.import_finished",
    ]
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2


def test_the_file_waits_encrypted_and_is_deleted_once_imported(
    client: FlaskClient, as_role: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    page = upload(client, world["event"].id, good_list())
    run = db.session.execute(select(ImportRun)).scalar_one()
    kept = run.stored_sha256
    assert kept is not None
    stored = file_store(settings_of(current_app)).read_bytes(kept)
    assert f.iin(1).encode() not in stored and "Әбілқайыр".encode() not in stored
    client.post(page + "/apply")
    db.session.refresh(run)
    assert run.state == "applied" and run.stored_sha256 is None
    assert not file_store(settings_of(current_app)).path(kept).exists()
    assert (
        not file_store(settings_of(current_app)).path(run.sha256).exists()
    )  # never stored in plain


def test_a_registry_changed_since_the_check_is_caught_at_import_and_nothing_is_written(
    client: FlaskClient, as_role: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    page = upload(client, world["event"].id, good_list())
    school = db.session.get(School, world["school"].id)
    assert school is not None
    school.name_kk = school.name_ru = "Жаңа атау"
    db.session.commit()
    client.post(page + "/apply")
    after = client.get(page).get_data(as_text=True)
    assert state_of(after) == "checked" and 'data-testid="import-errors"' in after
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_an_observer_cannot_open_an_import(
    client: FlaskClient, as_role: Any, users: Any, world: dict[str, Any]
) -> None:
    as_role(Role.ORGANISER)
    page = upload(client, world["event"].id, good_list())
    client.post("/logout")
    as_role(Role.OBSERVER)
    from flask import g

    g.pop("_login_user", None)
    assert client.get(page).status_code == 403
    assert client.post(page + "/apply").status_code == 403

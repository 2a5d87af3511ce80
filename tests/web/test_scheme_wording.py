"""The organiser enters a scheme with one language missing, and after the freeze corrects the
wording as a new version on the task's page; the points stay as they were."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.audit.models import AuditEvent
from integrity.registry.models import Task
from integrity.registry.services import catalogue
from tests import factories as f


def test_an_organiser_corrects_a_frozen_schemes_wording_as_a_new_version(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    _, round_ = f.subject_with_round(session, f.event(session))
    session.commit()
    added = client.post(
        f"/registry/rounds/{round_.id}",
        data={"title_kk": "Есеп", "title_ru": "Задача", "max_points": "5",
              "criteria": "3 | Шешімі\n2 | | Ответ"},
    )  # fmt: skip
    assert added.status_code == 302
    task = session.execute(select(Task)).scalar_one()
    assert [(c.description_kk, c.description_ru) for c in task.criteria] == [
        ("Шешімі", ""),  # nothing copied from one language into the other
        ("", "Ответ"),
    ]
    catalogue.freeze_scheme(session, actor=f.ACTOR, task=task)
    session.commit()
    client.post("/language", data={"locale": "ru", "next": "/"})
    page = client.get(f"/registry/tasks/{task.id}").get_data(as_text=True)
    assert 'Шешімі</span> <span class="lang-note"' in page
    assert task.scheme_sha256 in page
    refused = client.post(f"/registry/tasks/{task.id}/wording",
                          data={"wording-wording": "Шешімі | Решение", "wording-reason": "ru"})  # fmt: skip
    assert refused.status_code == 200 and 'id="wording-wording-error"' in refused.get_data(
        as_text=True
    )
    done = client.post(
        f"/registry/tasks/{task.id}/wording",
        data={"wording-wording": "Шешімі | Решение\nЖауабы | Ответ",
              "wording-reason": "Added the missing translations"},
    )  # fmt: skip
    assert done.status_code == 302
    session.expire_all()
    task = session.get(Task, task.id)
    assert task.scheme_version == 2
    assert [c.max_units for c in task.criteria] == [6, 4]
    assert task.criteria[1].description_in("kk") == ("Жауабы", None)
    assert session.execute(
        select(AuditEvent).where(AuditEvent.action == "registry.correct_scheme_wording")
    ).scalar_one()

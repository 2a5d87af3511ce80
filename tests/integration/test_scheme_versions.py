"""A marking scheme in two languages: either wording may be missing, both are part of the frozen
scheme's hash, and a wording correction after the freeze is an audited new version whose points
never change; every version's hash can be recomputed from the audit chain."""

from __future__ import annotations

import json
from typing import Any

import pytest

from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.scheme import scheme_digest
from integrity.registry.services import catalogue, schemes
from tests import factories as f
from tests.conftest import expect_events

A = f.ACTOR


@pytest.fixture
def task(session: Any) -> Any:
    _, round_ = f.subject_with_round(session, f.event(session))
    return catalogue.add_task(
        session, actor=A, round_=round_, title_kk="Есеп", title_ru="Задача", max_units=20,
        criteria=[("Шешімі", "", 14), ("", "Ответ", 6)],
    )  # fmt: skip


def test_a_criterion_may_lack_one_language_but_not_both(session: Any, task: Any) -> None:
    assert task.criteria[0].description_in("ru") == ("Шешімі", "kk")
    assert task.criteria[0].description_in("kk") == ("Шешімі", None)
    assert task.criteria[1].description_in("kk") == ("Ответ", "ru")
    with pytest.raises(InvalidInput):
        catalogue.set_scheme(session, actor=A, task=task, max_units=4, criteria=[(" ", "", 4)])


def test_freezing_hashes_both_languages_and_the_audit_event_lets_anyone_recompute_it(
    session: Any, task: Any
) -> None:
    with expect_events("registry.freeze_scheme") as events:
        catalogue.freeze_scheme(session, actor=A, task=task)
    data = json.loads(events[0].data) if isinstance(events[0].data, str) else events[0].data
    assert data["scheme"]["criteria"][0] == {"number": 1, "max_units": 14, "kk": "Шешімі",
                                             "ru": ""}  # fmt: skip
    assert scheme_digest(data["scheme"]) == data["sha256"] == task.scheme_sha256
    assert task.scheme_version == 1


def test_a_wording_correction_after_the_freeze_is_an_audited_new_version(
    session: Any, task: Any
) -> None:
    with pytest.raises(Conflict):  # before the freeze the scheme is simply edited
        schemes.correct_wording(session, actor=A, task=task, wordings=[("a", "b")] * 2, reason="x")
    catalogue.freeze_scheme(session, actor=A, task=task)
    first = task.scheme_sha256
    with pytest.raises(InvalidInput), expect_events():
        schemes.correct_wording(session, actor=A, task=task, wordings=[("a", "b")], reason="x")
    with pytest.raises(InvalidInput), expect_events():
        schemes.correct_wording(session, actor=A, task=task,
                                wordings=[("Шешімі", "Решение"), ("Жауабы", "Ответ")],
                                reason=" ")  # fmt: skip
    with expect_events("registry.correct_scheme_wording") as events:
        schemes.correct_wording(session, actor=A, task=task,
                                wordings=[("Шешімі", "Решение"), ("Жауабы", "Ответ")],
                                reason="Russian wording was missing")  # fmt: skip
    assert task.scheme_version == 2
    assert [c.max_units for c in task.criteria] == [14, 6]  # points never change
    assert task.criteria[0].description_in("ru") == ("Решение", None)
    data = json.loads(events[0].data) if isinstance(events[0].data, str) else events[0].data
    assert data["previous_sha256"] == first == scheme_digest(data["previous"])
    assert data["sha256"] == task.scheme_sha256 == scheme_digest(data["scheme"]) != first
    assert data["reason"] == "Russian wording was missing"
    with pytest.raises(InvalidInput), expect_events():  # nothing to correct
        schemes.correct_wording(session, actor=A, task=task,
                                wordings=[("Шешімі", "Решение"), ("Жауабы", "Ответ")],
                                reason="again")  # fmt: skip

"""Dates people read are the centre's local dates (TIMEZONE, Asia/Almaty by default, UTC+5)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from integrity import clock
from integrity.diplomas import services
from integrity.diplomas.domain import DocType, Serial, published
from integrity.diplomas.domain.published import Verdict
from integrity.diplomas.services import keys, verifying
from integrity.diplomas.services.rendering import link
from integrity.registry.services import people
from integrity.risk.services import facts
from integrity.settings import settings_of
from tests import factories as f

ALMATY = ZoneInfo("Asia/Almaty")  # the default TIMEZONE
NEW_YEARS_NIGHT = dt.datetime(2026, 12, 31, 20, 30, tzinfo=dt.UTC)  # 01:30 on 1 January in Taraz


def test_the_local_date_turns_at_local_midnight_not_at_utc_midnight() -> None:
    assert clock.local_today(ALMATY, NEW_YEARS_NIGHT) == dt.date(2027, 1, 1)
    assert clock.local_today(ALMATY, NEW_YEARS_NIGHT - dt.timedelta(hours=2)) == dt.date(
        2026, 12, 31
    )
    assert clock.start_of(ALMATY, dt.date(2027, 1, 1)).astimezone(dt.UTC) == dt.datetime(
        2026, 12, 31, 19, tzinfo=dt.UTC
    )


def test_an_analysis_period_runs_from_local_midnight_to_local_midnight(app: Any) -> None:
    since, until = facts._bounds(ALMATY, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert since == dt.datetime(2025, 12, 31, 19, tzinfo=dt.UTC)
    assert until == dt.datetime(2026, 12, 31, 19, tzinfo=dt.UTC)


def commendation_on_new_years_night(session: Any, monkeypatch: Any) -> Any:
    """A letter of commendation issued at 01:30 on 1 January in Taraz (the clock stays there)."""
    monkeypatch.setattr(clock, "utcnow", lambda: NEW_YEARS_NIGHT)
    return services.issue_one(session, actor=f.ACTOR, settings=settings_of(current_app),
                              event=f.event(session),
                              doc_type=DocType.COMMENDATION, surname="Сәрсенова",
                              given_names="Әйгерім", subject="Математика", grade=0, school="",
                              language="kk")  # fmt: skip


def test_a_diploma_issued_after_local_midnight_carries_the_new_years_date_and_serial(
    session: Any, monkeypatch: Any
) -> None:
    doc = commendation_on_new_years_night(session, monkeypatch)
    assert doc.issued_on == dt.date(2027, 1, 1)
    assert Serial.parse(doc.serial).year == 27


def test_an_unknown_time_zone_is_refused_at_start(tmp_path: Any) -> None:
    import pytest

    from integrity.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="TIMEZONE"):
        load_settings(tmp_path, environ={"INTEGRITY_ENV": "development",
                                         "INTEGRITY_TIMEZONE": "Asia/Nowhere"})  # fmt: skip


def test_a_key_retired_after_local_midnight_still_verifies_that_days_documents(
    session: Any, monkeypatch: Any
) -> None:
    doc = commendation_on_new_years_night(session, monkeypatch)
    assert doc.issued_on == dt.date(2027, 1, 1)
    # Retired at 01:31 on 1 January in Taraz, still 31 December in UTC.
    monkeypatch.setattr(keys, "utcnow", lambda: NEW_YEARS_NIGHT + dt.timedelta(minutes=1))
    settings = settings_of(current_app)
    keys.rotate(session, actor=f.ACTOR, settings=settings)
    verdict = verifying.check_link(session, link(doc, settings.host), settings.zone)[0].verdict
    assert verdict is Verdict.GENUINE
    listed = keys.key_list(session, settings)
    assert listed["keys"][0]["valid_until"] == "2027-01-01T01:31:00+05:00"  # type: ignore[index]
    offline = published.read_key_list(json.loads(json.dumps(listed)))
    assert offline[doc.key_id].covers(dt.date(2027, 1, 1))
    assert not offline[doc.key_id].covers(dt.date(2027, 1, 2))


def test_a_consent_signed_after_local_midnight_is_not_in_the_future(
    session: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NEW_YEARS_NIGHT)
    participant = people.register_participant(
        session, actor=f.ACTOR, iin=f.iin(1), surname="Сәрсенова", given_name="Әйгерім",
        patronymic=None, grade=10, school=f.school(session, f.district(session)),
    )  # fmt: skip
    people.record_consent(session, actor=f.ACTOR, participant=participant, consent_by="Ата-анасы",
                          consent_date=dt.date(2027, 1, 1), consent_public=False, zone=ALMATY)  # fmt: skip
    assert participant.consent_date == dt.date(2027, 1, 1)

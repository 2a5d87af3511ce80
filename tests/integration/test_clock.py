"""Dates people read are the centre's local dates (TIMEZONE, Asia/Almaty by default, UTC+5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrity import clock
from integrity.diplomas import services
from integrity.diplomas.domain import DocType, Serial
from integrity.risk import facts
from tests import factories as f

NEW_YEARS_NIGHT = dt.datetime(2026, 12, 31, 20, 30, tzinfo=dt.UTC)  # 01:30 on 1 January in Taraz


def test_the_local_date_turns_at_local_midnight_not_at_utc_midnight(app: Any) -> None:
    assert clock.local_today(NEW_YEARS_NIGHT) == dt.date(2027, 1, 1)
    assert clock.local_today(NEW_YEARS_NIGHT - dt.timedelta(hours=2)) == dt.date(2026, 12, 31)
    assert clock.start_of(dt.date(2027, 1, 1)).astimezone(dt.UTC) == dt.datetime(
        2026, 12, 31, 19, tzinfo=dt.UTC
    )


def test_an_analysis_period_runs_from_local_midnight_to_local_midnight(app: Any) -> None:
    since, until = facts._bounds(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert since == dt.datetime(2025, 12, 31, 19, tzinfo=dt.UTC)
    assert until == dt.datetime(2026, 12, 31, 19, tzinfo=dt.UTC)


def test_a_diploma_issued_after_local_midnight_carries_the_new_years_date_and_serial(
    session: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: NEW_YEARS_NIGHT)
    event = f.event(session)
    doc = services.issue_one(session, actor=f.ACTOR, event=event, doc_type=DocType.COMMENDATION,
                             surname="Сәрсенова", given_names="Әйгерім", subject="Математика",
                             grade=0, school="", language="kk")  # fmt: skip
    assert doc.issued_on == dt.date(2027, 1, 1)
    assert Serial.parse(doc.serial).year == 27


def test_an_unknown_time_zone_is_refused_at_start(tmp_path: Any) -> None:
    import pytest

    from integrity.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="TIMEZONE"):
        load_settings(tmp_path, environ={"INTEGRITY_ENV": "development",
                                         "INTEGRITY_TIMEZONE": "Asia/Nowhere"})  # fmt: skip

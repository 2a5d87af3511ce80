"""The zone's offset as people write it, computed for the moment shown (zones change)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from integrity.clock import utc_offset

WINTER_2026 = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)


def test_the_offset_is_written_in_hours_and_minutes_only_when_it_has_them() -> None:
    assert utc_offset(ZoneInfo("Asia/Almaty"), WINTER_2026) == "+5"
    assert utc_offset(ZoneInfo("Asia/Kolkata"), WINTER_2026) == "+5:30"
    assert utc_offset(ZoneInfo("America/Sao_Paulo"), WINTER_2026) == "-3"
    assert utc_offset(ZoneInfo("UTC"), WINTER_2026) == "+0"


def test_the_offset_is_the_one_in_force_at_the_moment_shown() -> None:
    # Kazakhstan moved Almaty from UTC+6 to UTC+5 on 1 March 2024.
    assert utc_offset(ZoneInfo("Asia/Almaty"), dt.datetime(2023, 6, 1, tzinfo=dt.UTC)) == "+6"

"""Local dates. Times are stored in UTC; a date a person reads (a diploma's issue date, a period's
first and last day, a deadline, "today") is the centre's local date, in the ``TIMEZONE`` setting.

Pure: the zone is an argument (``settings.zone``), so time rules are tested without an app.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today(zone: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(zone).date()


def local_date(zone: ZoneInfo, moment: dt.datetime) -> dt.date:
    return moment.astimezone(zone).date()


def local_time(zone: ZoneInfo, moment: dt.datetime) -> dt.datetime:
    """The same moment, carrying the local offset (its ``date()`` is the local date)."""
    return moment.astimezone(zone)


def start_of(zone: ZoneInfo, day: dt.date) -> dt.datetime:
    """The first instant of a local day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def utc_offset(zone: ZoneInfo, moment: dt.datetime | None = None) -> str:
    """The zone's offset from UTC at a moment, as people write it: "+5", "-3", "+5:30"."""
    offset = (moment or utcnow()).astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")

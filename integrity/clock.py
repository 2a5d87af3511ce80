"""Local dates. Times are stored in UTC; a date a person reads (a diploma's issue date, a period's
first and last day, a deadline, "today") is the centre's local date, in ``TIMEZONE``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from integrity.db import utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(str(current_app.config["INTEGRITY"]["TIMEZONE"]))


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(zone()).date()


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zone()).date()


def local_time(moment: dt.datetime) -> dt.datetime:
    """The same moment, carrying the local offset (its ``date()`` is the local date)."""
    return moment.astimezone(zone())


def start_of(day: dt.date) -> dt.datetime:
    """The first instant of a local day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone())

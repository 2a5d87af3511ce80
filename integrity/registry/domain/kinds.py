"""Registry vocabularies and point arithmetic. Pure."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class EventKind(StrEnum):
    SUBJECT_OLYMPIAD = "subject_olympiad"
    SCIENCE_PROJECTS = "science_projects"
    CREATIVE_CONTEST = "creative_contest"
    ROBOTICS = "robotics"

    @property
    def uses_panels(self) -> bool:
        """Nominations judged by a panel rather than by double blind marking (design §6)."""
        return self is not EventKind.SUBJECT_OLYMPIAD


class Stage(StrEnum):
    SCHOOL = "school"
    DISTRICT = "district"
    CITY = "city"
    REGIONAL = "regional"


class EntryStatus(StrEnum):
    REGISTERED = "registered"
    PRESENT = "present"
    ABSENT = "absent"
    DISQUALIFIED = "disqualified"


class OrganisationKind(StrEnum):
    SCHOOL = "school"
    UNIVERSITY = "university"
    OTHER = "other"


class RelationKind(StrEnum):
    RELATIVE = "relative"
    OWN_PUPIL = "own_pupil"
    SUPERVISED_PROJECT = "supervised_project"


class ImportState(StrEnum):
    CHECKING = "checking"  # the file waits for, or is in, the job that reads it
    CHECKED = "checked"  # read: the result lists bad rows and unknown columns; confirm to import
    REFUSED = "refused"  # the file itself could not be read (its error is in ``result``)
    APPLYING = "applying"  # confirmed: the job that writes it is queued or running
    APPLIED = "applied"
    FAILED = "failed"  # a job gave up (its error is in ``error``)


# Points are stored as integer half-points ("units") so that sums and comparisons are exact.
UNITS_PER_POINT = 2


# What a person may type for points: ASCII digits, then optionally .5 or ,5 (or .0, ,0). Not
# "1e1", not "+7", not digits of other scripts (Python's \d and Decimal accept those).
POINTS_TYPED = re.compile(r"[0-9]{1,4}(?:[.,][05])?")


def points_to_units(text: str | int | Decimal) -> int:
    """'7', '7.5' or '7,5' → 15. Raises ValueError for anything that is not a whole or half point."""
    if isinstance(text, str):
        typed = text.strip()
        if not POINTS_TYPED.fullmatch(typed):
            raise ValueError("not whole or half points in digits 0-9")
        text = typed.replace(",", ".")
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError("points are a non-negative number")
    units = value * UNITS_PER_POINT
    if units != units.to_integral_value():
        raise ValueError("points are whole or half")
    return int(units)


def units_to_points(units: int) -> str:
    whole, half = divmod(units, UNITS_PER_POINT)
    return f"{whole}" if half == 0 else f"{whole}.5"


def default_tolerance_units(max_units: int) -> int:
    """max(1 point, ⌈15% of the maximum⌉), in units (design §6)."""
    max_points = Decimal(max_units) / UNITS_PER_POINT
    return max(1, math.ceil(max_points * Decimal("0.15"))) * UNITS_PER_POINT


def academic_year_problem(text: str) -> str | None:
    """'2026-2027' is an academic year; the second year follows the first."""
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 4 for p in parts):
        return "format"
    if int(parts[1]) != int(parts[0]) + 1:
        return "sequence"
    return None

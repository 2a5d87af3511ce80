"""Kazakhstan's individual identification number (IIN / ЖСН / ИИН).

Twelve digits: ``YYMMDD`` birth date, one digit for century and sex, four digits of serial and a
check digit. The check digit is the weighted sum of the first eleven digits with weights 1..11,
modulo 11; when that gives 10 the weights 3..11, 1, 2 are used instead; a second 10 means the
number cannot be issued and is invalid.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Seventh digit: century of birth and sex.
_CENTURY_SEX = {
    1: (1800, "M"),
    2: (1800, "F"),
    3: (1900, "M"),
    4: (1900, "F"),
    5: (2000, "M"),
    6: (2000, "F"),
}


class IINProblem(StrEnum):
    """Why a string is not a valid IIN; the UI translates these."""

    LENGTH = "length"
    NOT_DIGITS = "not_digits"
    CENTURY = "century"
    DATE = "date"
    CHECK_DIGIT = "check_digit"


class InvalidIIN(ValueError):
    def __init__(self, problem: IINProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class IIN:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    def __str__(self) -> str:
        return self.value


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when no valid check digit exists."""
    digits = [int(c) for c in first_eleven]
    total = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if total == 10:
            return None
    return total


def parse_iin(raw: str) -> IIN:
    """Validate ``raw`` (spaces ignored) and return the parsed IIN, or raise InvalidIIN."""
    value = "".join(raw.split())
    if len(value) != 12:
        raise InvalidIIN(IINProblem.LENGTH)
    if not value.isascii() or not value.isdigit():
        raise InvalidIIN(IINProblem.NOT_DIGITS)
    century_sex = _CENTURY_SEX.get(int(value[6]))
    if century_sex is None:
        raise InvalidIIN(IINProblem.CENTURY)
    century, sex = century_sex
    try:
        birth = dt.date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise InvalidIIN(IINProblem.DATE) from None
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise InvalidIIN(IINProblem.CHECK_DIGIT)
    return IIN(value=value, birth_date=birth, sex=sex)


def is_valid_iin(raw: str) -> bool:
    try:
        parse_iin(raw)
    except InvalidIIN:
        return False
    return True


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Build the IIN for a birth date, sex ("M"/"F") and a serial 0..9999.

    Returns None when this serial has no valid check digit (about one serial in eleven);
    callers pick another serial.
    """
    if not 0 <= serial <= 9999:
        raise ValueError("serial must be 0..9999")
    century = birth_date.year // 100 * 100
    digit = next(
        (d for d, (c, s) in _CENTURY_SEX.items() if c == century and s == sex.upper()), None
    )
    if digit is None:
        raise ValueError(f"no IIN century digit for {birth_date.year} / {sex}")
    first = f"{birth_date:%y%m%d}{digit}{serial:04d}"
    check = check_digit(first)
    return None if check is None else f"{first}{check}"

"""Marking arithmetic: validating points, reconciling markers, juror statistics. Pure.

Marks are whole or half points, kept as integer half-point units. A reconciled score is kept in
sixtieths of a point, which is exact for the mean of two marks (quarters), of three (sixths) and of
five (tenths): one unit is 30 sixtieths.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

SIXTIETHS_PER_UNIT = 30


class Outcome(StrEnum):
    AGREED = "agreed"
    MEDIAN = "median"
    AWAITING_THIRD = "awaiting_third"
    AWAITING_CHAIR = "awaiting_chair"


def mean_sixtieths(units: Sequence[int]) -> int:
    total = sum(units) * SIXTIETHS_PER_UNIT
    assert total % len(units) == 0, "the mean of 2, 3 or 5 half-point marks is exact in sixtieths"
    return total // len(units)


def reconcile_pair(a: int, b: int, third: int | None, tolerance: int) -> tuple[Outcome, int | None]:
    """Two markers within tolerance: their mean. Beyond it: a third marking, and the median of the
    three; if the third is beyond tolerance of both, the chair decides."""
    if abs(a - b) <= tolerance:
        return Outcome.AGREED, mean_sixtieths([a, b])
    if third is None:
        return Outcome.AWAITING_THIRD, None
    if abs(third - a) > tolerance and abs(third - b) > tolerance:
        return Outcome.AWAITING_CHAIR, None
    return Outcome.MEDIAN, sorted([a, b, third])[1] * SIXTIETHS_PER_UNIT


def reconcile_panel(marks: Sequence[int]) -> int:
    """The median of three; the mean of the middle three of five, or the middle five of seven."""
    n = len(marks)
    if n not in (3, 5, 7):
        raise ValueError("a panel has 3, 5 or 7 markers")
    ordered = sorted(marks)
    if n == 3:
        return ordered[1] * SIXTIETHS_PER_UNIT
    return mean_sixtieths(ordered[1:-1])


def format_sixtieths(value: int) -> str:
    """Points with at most two decimals: 450 → '7.5', 455 → '7.58', 440 → '7.33'."""
    text = f"{value / 60:.2f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Marking:
    """One juror's submitted mark for one task, beside the other markers' (for statistics)."""

    juror_id: int
    units: int
    others: tuple[int, ...]
    tolerance: int
    third: bool = False  # this juror was the third marker


@dataclass(frozen=True)
class JurorStats:
    juror_id: int
    markings: int
    mean_deviation: float  # in points: own mark minus the mean of the co-markers'
    third_agreement: float | None  # share of third markings within tolerance of a first marker
    outlier: bool


def juror_statistics(markings: Sequence[Marking], *, min_markings: int = 5) -> list[JurorStats]:
    """Per juror: the mean signed deviation from co-markers, and as a third marker, how often they
    fell within tolerance of one of the first two. A juror whose deviation lies more than two
    standard deviations from the others' (with at least ``min_markings`` markings) is flagged."""
    by_juror: dict[int, list[Marking]] = {}
    for m in markings:
        by_juror.setdefault(m.juror_id, []).append(m)
    deviations: dict[int, float] = {}
    thirds: dict[int, float | None] = {}
    for juror, own in by_juror.items():
        paired = [m for m in own if m.others]
        deviations[juror] = (
            sum(m.units - statistics.fmean(m.others) for m in paired) / len(paired) / 2
            if paired
            else 0.0
        )
        as_third = [m for m in own if m.third and m.others]
        thirds[juror] = (
            sum(1 for m in as_third if any(abs(m.units - o) <= m.tolerance for o in m.others))
            / len(as_third)
            if as_third
            else None
        )
    counted = [deviations[j] for j, own in by_juror.items() if len(own) >= min_markings]
    spread = statistics.pstdev(counted) if len(counted) >= 3 else 0.0
    centre = statistics.fmean(counted) if counted else 0.0
    return [
        JurorStats(
            juror_id=juror,
            markings=len(own),
            mean_deviation=round(deviations[juror], 3),
            third_agreement=thirds[juror],
            outlier=len(own) >= min_markings
            and spread > 0
            and abs(deviations[juror] - centre) > 2 * spread,
        )
        for juror, own in sorted(by_juror.items())
    ]


def parse_capacities(lines: Sequence[str]) -> dict[int, int]:
    """``["17 = 5", "4=2"]`` → ``{17: 5, 4: 2}``: a juror number and the most works they take.
    ValueError on anything else. Blank lines are skipped."""
    result: dict[int, int] = {}
    for line in lines:
        if not line.strip():
            continue
        left, sep, right = line.partition("=")
        if not sep or not left.strip().isdigit() or not right.strip().isdigit():
            raise ValueError(line)
        result[int(left)] = int(right)
    return result

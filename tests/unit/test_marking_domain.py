"""Reconciliation arithmetic and juror statistics (integrity/jury/domain/marking.py)."""

from __future__ import annotations

import pytest

from integrity.jury.domain import (
    Marking,
    Outcome,
    format_sixtieths,
    juror_statistics,
    mean_sixtieths,
    reconcile_pair,
    reconcile_panel,
)
from integrity.registry.domain.kinds import default_tolerance_units


@pytest.mark.parametrize(
    ("a", "b", "third", "tolerance", "expected"),
    [
        (14, 14, None, 4, (Outcome.AGREED, 420)),  # 7 and 7 → 7
        (14, 15, None, 4, (Outcome.AGREED, 435)),  # 7 and 7.5 → 7.25
        (14, 18, None, 4, (Outcome.AGREED, 480)),  # exactly the tolerance apart: still the mean
        (14, 19, None, 4, (Outcome.AWAITING_THIRD, None)),  # one unit beyond
        (4, 16, 15, 4, (Outcome.MEDIAN, 450)),  # third near B: median 7.5
        (4, 16, 6, 4, (Outcome.MEDIAN, 180)),  # third near A: median 3
        (4, 16, 10, 4, (Outcome.AWAITING_CHAIR, None)),  # 3 from... beyond both
        (0, 20, 20, 4, (Outcome.MEDIAN, 600)),
    ],
)
def test_two_markers_are_reconciled_by_tolerance_then_by_a_third(
    a: int, b: int, third: int | None, tolerance: int, expected: tuple[Outcome, int | None]
) -> None:
    assert reconcile_pair(a, b, third, tolerance) == expected


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ([2, 18, 9], 270),  # the median of three
        ([0, 10, 11, 12, 20], 330),  # the mean of the middle three: 11 units = 5.5 points
        ([0, 1, 10, 11, 12, 13, 20], 282),  # middle five: 47/5 units = 9.4 → 4.7 points
        ([1, 2, 2, 2, 3], 60),
    ],
)
def test_a_panel_drops_its_extremes(marks: list[int], expected: int) -> None:
    assert reconcile_panel(marks) == expected


def test_a_panel_has_three_five_or_seven_markers() -> None:
    with pytest.raises(ValueError, match="3, 5 or 7"):
        reconcile_panel([1, 2, 3, 4])


def test_means_of_two_three_and_five_half_points_are_exact_in_sixtieths() -> None:
    for marks in ([1, 2], [1, 1, 2], [1, 1, 1, 1, 2]):
        assert mean_sixtieths(marks) * len(marks) == sum(marks) * 30


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (450, "7.5"), (435, "7.25"), (440, "7.33"), (282, "4.7")]
)
def test_scores_print_with_at_most_two_decimals(value: int, text: str) -> None:
    assert format_sixtieths(value) == text


@pytest.mark.parametrize(("max_units", "tolerance"), [(20, 4), (10, 2), (40, 6), (2, 2)])
def test_the_default_tolerance_is_the_larger_of_one_point_and_15_percent(
    max_units: int, tolerance: int
) -> None:
    assert default_tolerance_units(max_units) == tolerance


def test_a_juror_far_from_the_others_is_flagged_and_third_agreement_counted() -> None:
    markings = []
    for juror in range(1, 7):
        for n in range(6):
            bias = 8 if juror == 6 else (n % 3) - 1
            markings.append(Marking(juror, 10 + bias, (10,), tolerance=4))
    markings += [Marking(7, 12, (10, 20), tolerance=4, third=True),
                 Marking(7, 16, (10, 22), tolerance=4, third=True)]  # fmt: skip
    stats = {s.juror_id: s for s in juror_statistics(markings)}
    assert stats[6].outlier and stats[6].mean_deviation == 4.0
    assert not any(stats[j].outlier for j in range(1, 6))
    assert stats[7].third_agreement == 0.5 and not stats[7].outlier  # too few markings to judge
    assert stats[1].third_agreement is None

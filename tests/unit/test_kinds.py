from __future__ import annotations

import pytest

from integrity.registry.kinds import (
    academic_year_problem,
    default_tolerance_units,
    points_to_units,
    units_to_points,
)


@pytest.mark.parametrize(
    ("text", "units"), [("7", 14), ("7.5", 15), ("7,5", 15), ("0", 0), (" 10 ", 20)]
)
def test_points_are_stored_as_half_point_units(text: str, units: int) -> None:
    assert points_to_units(text) == units
    assert points_to_units(units_to_points(units)) == units


@pytest.mark.parametrize("text", ["7.25", "-1", "seven", "", "nan", "inf"])
def test_points_that_are_not_whole_or_half_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"number|whole or half"):
        points_to_units(text)


@pytest.mark.parametrize(
    ("max_points", "tolerance_points"), [(1, 1), (6, 1), (7, 2), (10, 2), (20, 3), (100, 15)]
)
def test_default_tolerance_is_the_larger_of_one_point_and_15_percent_rounded_up(
    max_points: int, tolerance_points: int
) -> None:
    assert default_tolerance_units(max_points * 2) == tolerance_points * 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [("2026-2027", None), ("2026-2028", "sequence"), ("26-27", "format"), ("2026/2027", "format")],
)
def test_academic_years_are_two_consecutive_years(text: str, problem: str | None) -> None:
    assert academic_year_problem(text) == problem

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrity.registry.domain.kinds import (
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


@pytest.mark.parametrize(
    "text",
    ["7.25", "-1", "seven", "", "nan", "inf", "1e1", "1E0", "+7", "٣", "７", "7.", ".5", "7.50",
     "0x1", "7_0", "1 0", "7.5.5", "99999"],
)  # fmt: skip
def test_points_that_are_not_whole_or_half_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"number|whole or half"):
        points_to_units(text)


@given(st.text(max_size=8))
def test_typed_points_are_ascii_digits_with_an_optional_half_or_nothing_at_all(text: str) -> None:
    try:
        units = points_to_units(text)
    except ValueError:
        return
    whole, _, fraction = text.strip().replace(",", ".").partition(".")
    assert whole.isascii() and whole.isdigit() and fraction in ("", "0", "5")
    assert units == int(whole) * 2 + (fraction == "5")


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

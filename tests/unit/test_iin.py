"""IIN validation, checked against an independent implementation of the check digit."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.registry.domain.iin import IINProblem, InvalidIIN, is_valid_iin, make_iin, parse_iin

# Weights restated here rather than imported, so a wrong constant in the module fails.
_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# Verified by hand: weights 1..11 give 186 ≡ 10 (mod 11), weights 3..11,1,2 give 162 ≡ 8.
SECOND_SEQUENCE_IIN = "080515500808"
# Both weighted sums of these eleven digits are ≡ 10, so no twelfth digit makes an IIN.
NO_CHECK_DIGIT_PREFIX = "08051550081"


def _sums(first_eleven: str) -> tuple[int, int]:
    digits = [int(c) for c in first_eleven]
    return (
        sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11,
        sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11,
    )


def _valid(year: int, month: int, day: int, sex: str, serial: int) -> str:
    """The first IIN for this date and sex at or after ``serial`` that has a check digit."""
    for candidate in range(serial, serial + 20):
        iin = make_iin(dt.date(year, month, day), sex, candidate)
        if iin is not None:
            return iin
    raise AssertionError("twenty serials in a row without a check digit")


VALID = [
    pytest.param(_valid(2008, 5, 15, "M", 1), dt.date(2008, 5, 15), "M", id="boy-2008"),
    pytest.param(_valid(2010, 12, 31, "F", 42), dt.date(2010, 12, 31), "F", id="girl-2010"),
    pytest.param(_valid(1975, 1, 1, "M", 9999 - 20), dt.date(1975, 1, 1), "M", id="man-1975"),
    pytest.param(_valid(1968, 7, 9, "F", 0), dt.date(1968, 7, 9), "F", id="woman-1968"),
    pytest.param(_valid(2012, 2, 29, "F", 500), dt.date(2012, 2, 29), "F", id="leap-day"),
    pytest.param(_valid(1899, 11, 30, "M", 7), dt.date(1899, 11, 30), "M", id="19th-century"),
    pytest.param(SECOND_SEQUENCE_IIN, dt.date(2008, 5, 15), "M", id="second-weights"),
]


@pytest.mark.parametrize(("iin", "birth_date", "sex"), VALID)
def test_valid_iins_parse_to_their_birth_date_and_sex(
    iin: str, birth_date: dt.date, sex: str
) -> None:
    parsed = parse_iin(iin)
    assert parsed.value == iin
    assert parsed.birth_date == birth_date
    assert parsed.sex == sex
    assert str(parsed) == iin
    assert is_valid_iin(iin)


def test_the_hard_coded_iin_really_needs_the_second_weight_sequence() -> None:
    first, second = _sums(SECOND_SEQUENCE_IIN[:11])
    assert first == 10
    assert second == int(SECOND_SEQUENCE_IIN[11])
    assert make_iin(dt.date(2008, 5, 15), "M", 80) == SECOND_SEQUENCE_IIN


def test_a_searched_second_sequence_iin_is_accepted() -> None:
    found = None
    for serial in range(10_000):
        prefix = f"1203046{serial:04d}"
        first, second = _sums(prefix)
        if first == 10 and second != 10:
            found = prefix + str(second)
            break
    assert found is not None
    assert parse_iin(found).birth_date == dt.date(2012, 3, 4)
    assert parse_iin(found).sex == "F"


def test_spaces_inside_an_iin_are_ignored() -> None:
    iin = VALID[0].values[0]
    assert isinstance(iin, str)
    assert parse_iin(f" {iin[:6]} {iin[6:]} ").value == iin


INVALID = [
    pytest.param("", IINProblem.LENGTH, id="empty"),
    pytest.param("08051550080", IINProblem.LENGTH, id="eleven-digits"),
    pytest.param("0805155008080", IINProblem.LENGTH, id="thirteen-digits"),
    pytest.param("08051550080A", IINProblem.NOT_DIGITS, id="letter"),
    pytest.param("O80515500808", IINProblem.NOT_DIGITS, id="letter-o-for-zero"),
    pytest.param("０８０５１５５００８０８", IINProblem.NOT_DIGITS, id="fullwidth-digits"),
    pytest.param("08-515500808", IINProblem.NOT_DIGITS, id="hyphen"),
    pytest.param("081315500808", IINProblem.DATE, id="month-13"),
    pytest.param("080015500808", IINProblem.DATE, id="month-00"),
    pytest.param("080230600808", IINProblem.DATE, id="30-february"),
    pytest.param("090229600808", IINProblem.DATE, id="29-february-non-leap"),
    pytest.param("080532500808", IINProblem.DATE, id="day-32"),
    pytest.param("080515000808", IINProblem.CENTURY, id="century-0"),
    pytest.param("080515700808", IINProblem.CENTURY, id="century-7"),
    pytest.param("080515800808", IINProblem.CENTURY, id="century-8"),
    pytest.param("080515900808", IINProblem.CENTURY, id="century-9"),
]


@pytest.mark.parametrize(("raw", "problem"), INVALID)
def test_invalid_iins_are_rejected_with_the_reason(raw: str, problem: IINProblem) -> None:
    with pytest.raises(InvalidIIN) as caught:
        parse_iin(raw)
    assert caught.value.problem is problem
    assert str(caught.value) == problem.value
    assert not is_valid_iin(raw)


@pytest.mark.parametrize("iin", [p.values[0] for p in VALID])
def test_every_other_check_digit_is_rejected(iin: str) -> None:
    wrong = [iin[:11] + d for d in "0123456789" if d != iin[11]]
    assert len(wrong) == 9
    for candidate in wrong:
        with pytest.raises(InvalidIIN) as caught:
            parse_iin(candidate)
        assert caught.value.problem is IINProblem.CHECK_DIGIT, candidate


def test_digits_whose_both_sums_give_ten_have_no_valid_check_digit() -> None:
    assert _sums(NO_CHECK_DIGIT_PREFIX) == (10, 10)
    assert make_iin(dt.date(2008, 5, 15), "M", 81) is None
    for last in "0123456789":
        with pytest.raises(InvalidIIN) as caught:
            parse_iin(NO_CHECK_DIGIT_PREFIX + last)
        assert caught.value.problem is IINProblem.CHECK_DIGIT


def test_make_iin_refuses_what_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="serial"):
        make_iin(dt.date(2008, 1, 1), "M", 10_000)
    with pytest.raises(ValueError, match="century digit"):
        make_iin(dt.date(1799, 1, 1), "F", 1)
    with pytest.raises(ValueError, match="century digit"):
        make_iin(dt.date(2008, 1, 1), "X", 1)


@settings(max_examples=500, database=None)
@given(
    birth_date=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_make_iin_output_always_parses_back_to_the_same_date_and_sex(
    birth_date: dt.date, sex: str, serial: int
) -> None:
    iin = make_iin(birth_date, sex, serial)
    century_digit = {18: 1, 19: 3, 20: 5}[birth_date.year // 100] + (sex == "F")
    first_eleven = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    first, second = _sums(first_eleven)
    if iin is None:
        assert (first, second) == (10, 10)
        return
    assert iin == first_eleven + str(first if first != 10 else second)
    parsed = parse_iin(iin)
    assert parsed.birth_date == birth_date
    assert parsed.sex == sex

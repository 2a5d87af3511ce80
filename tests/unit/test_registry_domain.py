"""Registry rules for imported participant and juror lists."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import pytest

from integrity.registry.domain import (
    JUROR_COLUMNS,
    PARTICIPANT_COLUMNS,
    PROBLEMS,
    ImportRejected,
    JurorRow,
    ParticipantRow,
    RowError,
    full_name,
    header_key,
    is_plausible_name,
    mask_iin,
    name_key,
    normalise_name,
    parse_jurors,
    parse_participants,
)
from integrity.registry.domain.iin import make_iin
from integrity.registry.domain.tabular import Table


def _iin(year: int, month: int, day: int, sex: str, serial: int = 1) -> str:
    for candidate in range(serial, serial + 20):
        value = make_iin(dt.date(year, month, day), sex, candidate)
        if value is not None:
            return value
    raise AssertionError("no serial with a check digit")


GIRL = _iin(2008, 5, 15, "F")
BOY = _iin(2009, 1, 2, "M")
TEACHER = _iin(1980, 3, 4, "F")

P_HEADER = ["ЖСН", "Тегі", "Аты", "Әкесінің аты", "Сынып", "Мектеп", "Аудан", "Пән"]
P_HEADER += ["Жетекші", "Келісім берген", "Келісім күні", "Жариялауға келісім"]
P_GOOD = [GIRL, "Сәрсенова", "Әйгерім", "Нұрланқызы", "9", "№ 5 мектеп-гимназия", "Алмалы"]
P_GOOD += ["Математика", "Ахметов Б.К.", "Сәрсенов Нұрлан", "01.09.2024", "иә"]

J_HEADER = ["ЖСН", "Тегі", "Аты", "Ұйым түрі", "Ұйым", "Мектеп", "Пәндер", "Email", "Телефон"]
J_GOOD = [TEACHER, "Омарова", "Гүлнар", "ЖОО", "ҚазҰУ", "", "Физика; Математика"]
J_GOOD += ["g.omarova@kaznu.kz", "+7 701 123 45 67"]


def _participants(*rows: list[str], header: list[str] = P_HEADER) -> Table:
    return Table(header=header, rows=[(n, list(r)) for n, r in enumerate(rows, start=2)])


def _with(base: list[str], header: list[str], **cells: str) -> list[str]:
    row = list(base)
    for title, value in cells.items():
        row[header.index(title.replace("_", " "))] = value
    return row


# --- names --------------------------------------------------------------------------------

KAZAKH_NAMES = ["Әйгерім", "Ғалымжан", "Қуаныш", "Жаңыл", "Өмірзақ", "Ұлжан", "Үмбетәлі"]
KAZAKH_NAMES += ["Жиһан", "Сейітқали", "Алёна", "Д'Артаньян", "Мұхаммед-Әли", "Smith-Jones"]


@pytest.mark.parametrize("name", KAZAKH_NAMES)
def test_kazakh_russian_and_latin_names_are_plausible(name: str) -> None:
    assert is_plausible_name(name)


@pytest.mark.parametrize(
    "name", ["", "-", "' .", "Иван2", "Әли@", "Иванов, Петров", "Ә" * 101, "И\u0306ван\u0001"]
)
def test_digits_symbols_empty_and_overlong_names_are_not_plausible(name: str) -> None:
    assert not is_plausible_name(name)


def test_a_name_of_exactly_one_hundred_letters_is_still_plausible() -> None:
    assert is_plausible_name("Ә" * 100)


def test_decomposed_input_comes_back_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Әйгерім Сейітқалиқызы Алёна")
    assert len(decomposed) == len("Әйгерім Сейітқалиқызы Алёна") + 3  # й, й, ё split
    assert normalise_name(decomposed) == "Әйгерім Сейітқалиқызы Алёна"


def test_normalise_name_collapses_spaces_and_typographic_marks() -> None:
    assert (
        normalise_name("  Д’Артаньян\u00a0 \t Мұхаммед–Әли—Ұлы ") == "Д'Артаньян Мұхаммед-Әли-Ұлы"
    )
    assert normalise_name("Oʼzbek ‘Ali‐Khan") == "O'zbek 'Ali-Khan"


def test_name_key_ignores_case_yo_spacing_and_composition() -> None:
    assert name_key("  ЁЛКИНА   Алёна ") == "елкина алена"
    assert name_key(unicodedata.normalize("NFD", "ӘЙГЕРІМ")) == "әйгерім"
    assert name_key("Д’Артаньян") == name_key("д'артаньян")


def test_full_name_is_surname_given_name_patronymic() -> None:
    assert full_name("Сәрсенова", "Әйгерім", "Нұрланқызы") == "Сәрсенова Әйгерім Нұрланқызы"
    assert full_name("Smith", "John", None) == "Smith John"
    assert full_name("Smith", "John", "") == "Smith John"


# --- participants: the happy path ---------------------------------------------------------


def test_a_complete_kazakh_participant_row_is_parsed() -> None:
    rows, errors = parse_participants(_participants(P_GOOD))
    assert errors == []
    assert rows == [
        ParticipantRow(
            row=2,
            iin=GIRL,
            birth_date=dt.date(2008, 5, 15),
            sex="F",
            surname="Сәрсенова",
            given_name="Әйгерім",
            patronymic="Нұрланқызы",
            grade=9,
            school="№ 5 мектеп-гимназия",
            district="Алмалы",
            subject="Математика",
            supervisor="Ахметов Б.К.",
            consent_by="Сәрсенов Нұрлан",
            consent_date=dt.date(2024, 9, 1),
            consent_public=True,
        )
    ]


def test_names_in_the_file_are_stored_composed_and_tidy() -> None:
    messy = _with(
        P_GOOD,
        P_HEADER,
        Тегі=unicodedata.normalize("NFD", "  Сейітқали  "),
        Аты=unicodedata.normalize("NFD", "Әйгерім\u00a0Алёна"),
    )
    [row], errors = parse_participants(_participants(messy))
    assert errors == []
    assert (row.surname, row.given_name) == ("Сейітқали", "Әйгерім Алёна")
    assert unicodedata.is_normalized("NFC", row.given_name)


HEADERS = {
    "kk": ["ЖСН", "Тегі", "Аты", "Әкесінің аты", "Сынып", "Білім беру ұйымы", "Аудан", "Бағыт"],
    "ru": ["ИИН", "Фамилия", "Имя", "Отчество", "Класс", "Школа", "Район", "Предмет"],
    "en": [
        "IIN",
        "Last name",
        "First name",
        "Patronymic",
        "Grade",
        "School",
        "District",
        "Subject",
    ],
    "decorated": [
        *("ИИН*", "ФАМИЛИЯ:", "Аты / Имя", "Отчество (при наличии)", "Сынып (Класс)"),
        *("  Школа ", "Район/город", "Номинация"),
    ],
}


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_header_aliases_in_kazakh_russian_and_english_are_recognised(language: str) -> None:
    header = [*HEADERS[language], "№", "Ескертпе"]  # unknown extras are ignored
    cells = [BOY, "Ким", "Виктор", "Олегович", "11 класс", "Лицей № 1", "Медеу", "Физика", "7"]
    rows, errors = parse_participants(Table(header=header, rows=[(2, [*cells, "x"])]))
    assert errors == []
    assert [(r.iin, r.surname, r.given_name, r.patronymic, r.grade) for r in rows] == [
        (BOY, "Ким", "Виктор", "Олегович", 11)
    ]
    assert (rows[0].school, rows[0].district, rows[0].subject) == ("Лицей № 1", "Медеу", "Физика")
    assert (rows[0].supervisor, rows[0].consent_date, rows[0].consent_public) == (None, None, False)


def test_optional_columns_may_be_absent_entirely() -> None:
    header = ["ЖСН", "Тегі", "Аты", "Сынып", "Мектеп", "Пән"]
    rows, errors = parse_participants(
        Table(header=header, rows=[(2, [BOY, "Ли", "Ян", "5", "Мектеп", "Информатика"])])
    )
    assert errors == []
    assert rows[0].patronymic is None
    assert rows[0].district is None


def test_no_alias_is_claimed_by_two_fields() -> None:
    for columns in (PARTICIPANT_COLUMNS, JUROR_COLUMNS):
        keys = [header_key(alias) for aliases in columns.values() for alias in aliases]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    "grade", ["9", "9.0", "9,0", "9 сынып", "9 класс", "9-сынып", "9А", "9 кл."]
)
def test_grade_is_accepted_in_the_ways_schools_write_it(grade: str) -> None:
    [row], errors = parse_participants(_participants(_with(P_GOOD, P_HEADER, Сынып=grade)))
    assert errors == []
    assert row.grade == 9


@pytest.mark.parametrize("raw", ["2024-09-01", "01.09.2024", "1.9.2024", "01/09/2024"])
def test_consent_date_formats(raw: str) -> None:
    table = _participants(_with(P_GOOD, P_HEADER, Келісім_күні=raw))
    [row], _ = parse_participants(table)
    assert row.consent_date == dt.date(2024, 9, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("yes", True), ("Иә", True), ("да", True), ("1", True), ("TRUE", True), ("+", True)],
        *[("no", False), ("ЖОҚ", False), ("Нет", False), ("0", False), ("false", False)],
        *[("-", False), ("", False)],
    ],
)
def test_public_listing_consent_booleans(raw: str, expected: bool) -> None:
    table = _participants(_with(P_GOOD, P_HEADER, Жариялауға_келісім=raw))
    [row], errors = parse_participants(table)
    assert errors == []
    assert row.consent_public is expected


# --- participants: problems ---------------------------------------------------------------

PARTICIPANT_PROBLEMS = [
    ("ЖСН", "", "iin", "required", ""),
    ("ЖСН", GIRL[:11], "iin", "iin_length", "*******" + GIRL[7:11]),
    ("ЖСН", GIRL[:11] + "X", "iin", "iin_not_digits", "********" + GIRL[8:11] + "X"),
    ("ЖСН", GIRL[:6] + "7" + GIRL[7:], "iin", "iin_century", "********" + GIRL[8:]),
    ("ЖСН", "081315" + GIRL[6:], "iin", "iin_date", "********" + GIRL[8:]),
    ("ЖСН", GIRL[:11] + str((int(GIRL[11]) + 1) % 10), "iin", "iin_check_digit", None),
    ("Тегі", " ", "surname", "required", ""),
    ("Аты", "Әйгерім2", "given_name", "name_characters", "Әйгерім2"),
    ("Әкесінің аты", "Нұрлан;қызы", "patronymic", "name_characters", "Нұрлан;қызы"),
    ("Сынып", "", "grade", "required", ""),
    ("Сынып", "13", "grade", "grade", "13"),
    ("Сынып", "0", "grade", "grade", "0"),
    ("Сынып", "9.5", "grade", "grade", "9.5"),
    ("Сынып", "тоғызыншы", "grade", "grade", "тоғызыншы"),
    ("Мектеп", "", "school", "required", ""),
    ("Пән", "", "subject", "required", ""),
    ("Келісім күні", "31.02.2024", "consent_date", "date", "31.02.2024"),
    ("Келісім күні", "2024.09.01", "consent_date", "date", "2024.09.01"),
    ("Келісім күні", "вчера", "consent_date", "date", "вчера"),
    ("Жариялауға келісім", "мүмкін", "consent_public", "boolean", "мүмкін"),
]


@pytest.mark.parametrize(
    ("title", "raw", "field", "problem", "value"),
    PARTICIPANT_PROBLEMS,
    ids=[f"{p[2]}-{p[3]}-{i}" for i, p in enumerate(PARTICIPANT_PROBLEMS)],
)
def test_each_participant_problem_is_reported_with_its_code(
    title: str, raw: str, field: str, problem: str, value: str | None
) -> None:
    row = _with(P_GOOD, P_HEADER, ЖСН=BOY)
    row[P_HEADER.index(title)] = raw
    rows, errors = parse_participants(_participants(P_GOOD, row))
    expected = value if value is not None else mask_iin(raw)
    assert errors == [RowError(row=3, field=field, problem=problem, value=expected)]
    assert [r.row for r in rows] == [2]  # the faulty row is left out, the good one kept


def test_every_problem_in_a_row_is_reported_in_field_order() -> None:
    bad = _with(P_GOOD, P_HEADER, ЖСН="123", Тегі="", Аты="R2D2", Сынып="20", Пән="")
    rows, errors = parse_participants(_participants(bad))
    assert rows == []
    assert [(e.row, e.field, e.problem) for e in errors] == [
        (2, "given_name", "name_characters"),
        (2, "grade", "grade"),
        (2, "iin", "iin_length"),
        (2, "subject", "required"),
        (2, "surname", "required"),
    ]


def test_errors_are_ordered_by_row_then_field() -> None:
    first = _with(P_GOOD, P_HEADER, Сынып="x")
    second = _with(P_GOOD, P_HEADER, ЖСН=BOY, Тегі="1")
    third = _with(P_GOOD, P_HEADER, ЖСН=TEACHER, Аты="")
    table = Table(header=P_HEADER, rows=[(10, third), (3, second), (2, first)])
    _, errors = parse_participants(table)
    assert [(e.row, e.field) for e in errors] == [(2, "grade"), (3, "surname"), (10, "given_name")]


def test_missing_required_columns_are_reported_once_each_on_the_header_row() -> None:
    header = ["ЖСН", "Тегі", "Аты", "Сынып"]
    rows, errors = parse_participants(Table(header=header, rows=[(2, [GIRL, "А", "Б", "9"])]))
    assert rows == []
    assert errors == [
        RowError(row=1, field="school", problem="missing_column"),
        RowError(row=1, field="subject", problem="missing_column"),
    ]


def test_missing_column_points_at_a_header_that_is_not_on_row_one() -> None:
    table = Table(header=["Тегі"], rows=[], header_row=4)
    _, errors = parse_participants(table)
    assert {e.row for e in errors} == {4}
    assert {e.field for e in errors} == {"iin", "given_name", "grade", "school", "subject"}


def test_the_same_iin_twice_is_an_error_on_the_later_row_only() -> None:
    other = _with(P_GOOD, P_HEADER, ЖСН=BOY)
    again = _with(P_GOOD, P_HEADER, ЖСН=f"{GIRL[:6]} {GIRL[6:]}", Аты="Басқа")
    rows, errors = parse_participants(_participants(P_GOOD, other, again))
    assert [r.row for r in rows] == [2, 3]
    assert errors == [
        RowError(row=4, field="iin", problem="duplicate_iin", value="********" + GIRL[8:])
    ]


# --- masking ------------------------------------------------------------------------------


def test_iin_error_values_show_only_the_last_four_digits() -> None:
    assert mask_iin("080515601236") == "********1236"
    assert mask_iin(" 0805 1560 1236 ") == "********1236"
    assert mask_iin("123") == "123"


def test_no_error_value_ever_carries_a_full_iin() -> None:
    leaky = _with(P_GOOD, P_HEADER, Тегі=f"Әлиев {BOY}", Сынып=BOY, Мектеп="")
    again = _with(P_GOOD, P_HEADER)
    _, errors = parse_participants(_participants(P_GOOD, leaky, again))
    assert errors
    for error in errors:
        assert BOY not in error.value
        assert GIRL not in error.value
        assert not re.search(r"\d{9}", error.value), error
    assert RowError(3, "surname", "name_characters", "Әлиев ********" + BOY[8:]) in errors


def test_error_values_are_cut_to_sixty_characters() -> None:
    assert RowError(2, "school", "required", "я" * 200).value == "я" * 60
    assert len(RowError(2, "iin", "iin_length", mask_iin("1" * 200)).value) == 60


def test_import_rejected_carries_the_errors() -> None:
    errors = [RowError(2, "iin", "required")]
    with pytest.raises(ImportRejected) as caught:
        raise ImportRejected(errors)
    assert caught.value.errors == errors
    assert str(caught.value) == "1 problem(s) in the file"


# --- jurors -------------------------------------------------------------------------------


def _jurors(*rows: list[str], header: list[str] = J_HEADER) -> Table:
    return Table(header=header, rows=[(n, list(r)) for n, r in enumerate(rows, start=2)])


def test_a_complete_juror_row_is_parsed_with_its_subject_list() -> None:
    rows, errors = parse_jurors(_jurors(J_GOOD))
    assert errors == []
    assert rows == [
        JurorRow(
            row=2,
            iin=TEACHER,
            surname="Омарова",
            given_name="Гүлнар",
            patronymic=None,
            organisation_kind="university",
            organisation="ҚазҰУ",
            school=None,
            district=None,
            subjects=("Физика", "Математика"),
            email="g.omarova@kaznu.kz",
            phone="+7 701 123 45 67",
        )
    ]


def test_juror_subjects_split_on_comma_semicolon_or_bar_without_repeats() -> None:
    row = _with(J_GOOD, J_HEADER, Пәндер=" Физика | химия;  Химия ,, Биология ")
    [juror], _ = parse_jurors(_jurors(row))
    assert juror.subjects == ("Физика", "химия", "Биология")


@pytest.mark.parametrize(
    ("raw", "school", "expected"),
    [
        *[("мектеп", "", "school"), ("Школа", "", "school"), ("School", "", "school")],
        *[("ВУЗ", "", "university"), ("университет", "", "university")],
        *[("басқа", "", "other"), ("Другое", "", "other"), ("other", "", "other")],
        *[("", "№ 12 мектеп", "school"), ("", "", "other")],
    ],
)
def test_organisation_kind_words_and_the_blank_default(
    raw: str, school: str, expected: str
) -> None:
    row = _with(J_GOOD, J_HEADER, Ұйым_түрі=raw, Мектеп=school)
    [juror], errors = parse_jurors(_jurors(row))
    assert errors == []
    assert juror.organisation_kind == expected


def test_juror_iin_is_optional_but_checked_when_given() -> None:
    without = _with(J_GOOD, J_HEADER, ЖСН="")
    wrong = _with(J_GOOD, J_HEADER, ЖСН="12345678901")
    rows, errors = parse_jurors(_jurors(without, wrong))
    assert [(r.row, r.iin) for r in rows] == [(2, None)]
    assert errors == [RowError(3, "iin", "iin_length", "*******8901")]


JUROR_PROBLEMS = [
    ("Ұйым түрі", "колледж", "organisation_kind", "колледж"),
    ("Email", "omarova@", "email", "omarova@"),
    ("Email", "omarova kaznu.kz", "email", "omarova kaznu.kz"),
    ("Ұйым", "", "organisation", ""),
    ("Тегі", "", "surname", ""),
]


@pytest.mark.parametrize(("title", "raw", "field", "value"), JUROR_PROBLEMS)
def test_each_juror_problem_is_reported_with_its_code(
    title: str, raw: str, field: str, value: str
) -> None:
    row = list(J_GOOD)
    row[J_HEADER.index(title)] = raw
    rows, errors = parse_jurors(_jurors(row))
    assert rows == []
    problem = field if field in {"organisation_kind", "email"} else "required"
    assert errors == [RowError(row=2, field=field, problem=problem, value=value)]


def test_juror_duplicate_iin_and_missing_columns() -> None:
    _, duplicate = parse_jurors(_jurors(J_GOOD, J_GOOD))
    assert duplicate == [RowError(3, "iin", "duplicate_iin", "********" + TEACHER[8:])]
    _, missing = parse_jurors(Table(header=["ИИН", "Фамилия", "Email"], rows=[]))
    assert [(e.field, e.problem) for e in missing] == [
        ("given_name", "missing_column"),
        ("organisation", "missing_column"),
    ]


def test_juror_headers_in_russian_and_english() -> None:
    ru = ["Фамилия", "Имя", "Тип организации", "Место работы", "Предметы", "E-mail"]
    en = ["Surname", "Given name", "Organisation kind", "Organisation", "Subjects", "Email"]
    cells = ["Ли", "Ян", "школа", "Лицей № 1", "Химия", "li@example.kz"]
    for header in (ru, en):
        [juror], errors = parse_jurors(Table(header=header, rows=[(2, cells)]))
        assert errors == []
        assert (juror.organisation_kind, juror.subjects, juror.email) == (
            "school",
            ("Химия",),
            "li@example.kz",
        )


def test_every_problem_code_is_exercised_by_these_tests() -> None:
    exercised = {p[3] for p in PARTICIPANT_PROBLEMS} | {"organisation_kind", "email"}
    exercised |= {"missing_column", "duplicate_iin"}
    assert exercised == PROBLEMS


def test_names_sort_in_kazakh_alphabetical_order() -> None:
    from integrity.registry.domain import collation_key

    names = [
        "Ғабитов",
        "Әбілқасымова",
        "Ахметов",
        "Құрманғали",
        "Кенжебаев",
        "Іскаков",
        "Ысқақов",
        "Ёлкин",
        "Smith",
    ]
    ordered = sorted(names, key=collation_key)
    assert ordered == [
        "Ахметов",
        "Әбілқасымова",
        "Ғабитов",
        "Ёлкин",
        "Кенжебаев",
        "Құрманғали",
        "Ысқақов",
        "Іскаков",
        "Smith",
    ]
    assert collation_key("Әсел") < collation_key("Әсем")
    assert collation_key("Ким Анна") < collation_key("Кимов Абай")


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_every_columns_own_label_in_each_language_is_a_header_the_import_reads(
    app: Any, locale: str
) -> None:
    """The forms, the error lists and the README name a column by its label in kk, ru or en:
    a file whose header uses that very wording must import, not drop the column silently."""
    from flask_babel import force_locale

    from integrity.registry.domain import JUROR_COLUMNS, PARTICIPANT_COLUMNS, match_columns
    from integrity.registry.labels import FIELDS

    unread = []
    with app.test_request_context(), force_locale(locale):
        for columns in (PARTICIPANT_COLUMNS, JUROR_COLUMNS):
            for name in columns:
                label = str(FIELDS[name])
                if match_columns([label], columns) != {name: 0}:
                    unread.append(f"{name}: {label!r}")
    assert unread == []

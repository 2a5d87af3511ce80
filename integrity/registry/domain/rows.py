"""Registry rules: turn a school's participant or juror table into validated rows.

Every problem in every row is reported at once, so an organiser fixes the file in one pass
instead of uploading it again per error. Problem codes are stable strings the UI
translates (see ``PROBLEMS``).

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from integrity.registry.domain.cells import (
    Cells,
    RowError,
    match_columns,
)
from integrity.registry.domain.iin import IINProblem

PROBLEMS: Final = frozenset(
    {
        "missing_column",
        "required",
        *(f"iin_{problem.value}" for problem in IINProblem),
        "name_characters",
        "grade",
        "date",
        "boolean",
        "duplicate_iin",
        "organisation_kind",
        "email",
    }
)

PARTICIPANT_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "iin": ("ЖСН", "ИИН", "IIN"),
    "surname": ("Тегі", "Фамилия", "Surname", "Last name"),
    "given_name": ("Аты", "Имя", "Name", "First name", "Given name"),
    "patronymic": ("Әкесінің аты", "Отчество", "Patronymic"),
    "grade": ("Сынып", "Класс", "Grade"),
    "school": ("Мектеп", "Білім беру ұйымы", "Школа", "Организация образования", "School"),
    "district": ("Аудан", "Район", "District"),
    "subject": ("Пән", "Бағыт", "Номинация", "Предмет", "Направление", "Subject", "Nomination"),
    "supervisor": ("Жетекші", "Ұстаз", "Руководитель", "Учитель", "Supervisor", "Teacher"),
    "consent_by": (
        "Келісім берген",
        "Заңды өкіл",
        "Согласие дал",
        "Законный представитель",
        "Consent by",
        "Consent given by",
        "Guardian",
    ),
    "consent_date": ("Келісім күні", "Дата согласия", "Consent date"),
    "consent_public": (
        "Жариялауға келісім",
        "Согласие на публикацию",
        "Public listing",
        "Consent to public listing",
        "Consent to publication",
    ),
}
# Columns an export writes that an import knows and leaves alone (an entry's status is set on
# the registry's pages, not by a file): not "unknown", so an export re-imports unchanged.
PARTICIPANT_EXPORT_ONLY: Final[Mapping[str, tuple[str, ...]]] = {
    "status": ("Мәртебе", "Статус", "Status"),
}
PARTICIPANT_REQUIRED: Final = frozenset(
    {"iin", "surname", "given_name", "grade", "school", "subject"}
)

JUROR_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "iin": PARTICIPANT_COLUMNS["iin"],
    "surname": PARTICIPANT_COLUMNS["surname"],
    "given_name": PARTICIPANT_COLUMNS["given_name"],
    "patronymic": PARTICIPANT_COLUMNS["patronymic"],
    "organisation_kind": ("Ұйым түрі", "Тип организации", "Organisation kind", "Organisation type"),
    "organisation": ("Ұйым", "Жұмыс орны", "Организация", "Место работы", "Organisation"),
    "school": ("Мектеп", "Школа", "School"),
    "district": PARTICIPANT_COLUMNS["district"],
    "subjects": ("Пәндер", "Предметы", "Subjects", "Пән", "Предмет", "Subject"),
    "email": ("Email", "E-mail", "Электрондық пошта", "Электронная почта", "Эл. почта"),
    "phone": ("Телефон", "Phone", "Ұялы телефон", "Мобильный телефон"),
}
JUROR_REQUIRED: Final = frozenset({"surname", "given_name", "organisation"})


class TableLike(Protocol):
    """What the parsers need of a table; ``integrity.registry.domain.tabular.Table`` fits.

    Structural, so this module depends on nothing but the IIN rules.
    """

    @property
    def header(self) -> list[str]: ...
    @property
    def rows(self) -> list[tuple[int, list[str]]]: ...
    @property
    def header_row(self) -> int: ...


@dataclass(frozen=True)
class ParticipantRow:
    row: int
    iin: str
    birth_date: dt.date
    sex: str
    surname: str
    given_name: str
    patronymic: str | None
    grade: int
    school: str
    district: str | None
    subject: str
    supervisor: str | None
    consent_by: str | None
    consent_date: dt.date | None
    consent_public: bool


@dataclass(frozen=True)
class JurorRow:
    row: int
    iin: str | None
    surname: str
    given_name: str
    patronymic: str | None
    organisation_kind: str
    organisation: str
    school: str | None
    district: str | None
    subjects: tuple[str, ...]
    email: str | None
    phone: str | None


# --- parsing ------------------------------------------------------------------------------


def parse_participants(table: TableLike) -> tuple[list[ParticipantRow], list[RowError]]:
    """Valid rows and every problem found; a row with any problem is not returned."""
    columns, errors = _resolve_columns(table, PARTICIPANT_COLUMNS, PARTICIPANT_REQUIRED)
    if errors:
        return [], errors
    result: list[ParticipantRow] = []
    seen: set[str] = set()
    for number, cells in table.rows:
        cell = Cells(number, cells, columns)
        iin = cell.iin(seen, required=True)
        surname = cell.name("surname", required=True)
        given_name = cell.name("given_name", required=True)
        patronymic = cell.name("patronymic") or None
        grade = cell.grade("grade")
        school = cell.required("school")
        district = cell.optional("district")
        subject = cell.required("subject")
        supervisor = cell.optional("supervisor")
        consent_by = cell.optional("consent_by")
        consent_date = cell.date("consent_date")
        consent_public = cell.boolean("consent_public")
        errors.extend(cell.errors)
        if cell.errors or iin is None:
            continue
        result.append(
            ParticipantRow(
                row=number,
                iin=iin.value,
                birth_date=iin.birth_date,
                sex=iin.sex,
                surname=surname,
                given_name=given_name,
                patronymic=patronymic,
                grade=grade,
                school=school,
                district=district,
                subject=subject,
                supervisor=supervisor,
                consent_by=consent_by,
                consent_date=consent_date,
                consent_public=consent_public,
            )
        )
    return result, sorted(errors)


def parse_jurors(table: TableLike) -> tuple[list[JurorRow], list[RowError]]:
    """Valid rows and every problem found; a row with any problem is not returned."""
    columns, errors = _resolve_columns(table, JUROR_COLUMNS, JUROR_REQUIRED)
    if errors:
        return [], errors
    result: list[JurorRow] = []
    seen: set[str] = set()
    for number, cells in table.rows:
        cell = Cells(number, cells, columns)
        iin = cell.iin(seen, required=False)
        surname = cell.name("surname", required=True)
        given_name = cell.name("given_name", required=True)
        patronymic = cell.name("patronymic") or None
        organisation = cell.required("organisation")
        school = cell.optional("school")
        kind = cell.organisation_kind(school=school)
        district = cell.optional("district")
        subjects = cell.text_list("subjects")
        email = cell.email("email")
        phone = cell.optional("phone")
        errors.extend(cell.errors)
        if cell.errors:
            continue
        result.append(
            JurorRow(
                row=number,
                iin=None if iin is None else iin.value,
                surname=surname,
                given_name=given_name,
                patronymic=patronymic,
                organisation_kind=kind,
                organisation=organisation,
                school=school,
                district=district,
                subjects=subjects,
                email=email,
                phone=phone,
            )
        )
    return result, sorted(errors)


def _resolve_columns(
    table: TableLike, columns: Mapping[str, tuple[str, ...]], required: frozenset[str]
) -> tuple[dict[str, int], list[RowError]]:
    found = match_columns(table.header, columns)
    # Without a required column every row would fail the same way; one error per column
    # says what to fix.
    missing = [
        RowError(row=table.header_row, field=name, problem="missing_column")
        for name in columns
        if name in required and name not in found
    ]
    return found, sorted(missing)

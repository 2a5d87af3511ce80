"""The words for every vocabulary of the registry, in the user's language: its enums, and the
stable codes of an import's problems and fields. The forms' choices, the pages, the commands and
the templates all read them here, so a label is changed in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from integrity.registry.domain.kinds import (
    EntryStatus,
    EventKind,
    ImportState,
    OrganisationKind,
    RelationKind,
    Stage,
)

EVENT_KINDS: Mapping[EventKind, Any] = {
    EventKind.SUBJECT_OLYMPIAD: _l("Subject olympiad"),
    EventKind.SCIENCE_PROJECTS: _l("Science projects"),
    EventKind.CREATIVE_CONTEST: _l("Creative contest"),
    EventKind.ROBOTICS: _l("Robotics"),
}

STAGES: Mapping[Stage, Any] = {
    Stage.SCHOOL: _l("School"),
    Stage.DISTRICT: _l("District"),
    Stage.CITY: _l("City"),
    Stage.REGIONAL: _l("Regional"),
}

ENTRY_STATUSES: Mapping[EntryStatus, Any] = {
    EntryStatus.REGISTERED: _l("registered"),
    EntryStatus.PRESENT: _l("present"),
    EntryStatus.ABSENT: _l("absent"),
    EntryStatus.DISQUALIFIED: _l("disqualified"),
}

ORGANISATION_KINDS: Mapping[OrganisationKind, Any] = {
    OrganisationKind.SCHOOL: _l("School"),
    OrganisationKind.UNIVERSITY: _l("University"),
    OrganisationKind.OTHER: _l("Other"),
}

# A juror's declared relation, in words: the relation form's choices and the juror's page.
RELATION_KINDS: Mapping[RelationKind, Any] = {
    RelationKind.RELATIVE: _l("Relative"),
    RelationKind.OWN_PUPIL: _l("Own pupil"),
    RelationKind.SUPERVISED_PROJECT: _l("Supervised project"),
}

IMPORT_STATES: Mapping[ImportState, Any] = {
    ImportState.CHECKING: _l("checking the file…"),
    ImportState.CHECKED: _l("checked"),
    ImportState.REFUSED: _l("refused"),
    ImportState.APPLYING: _l("importing…"),
    ImportState.APPLIED: _l("imported"),
    ImportState.FAILED: _l("failed"),
}


def status_labels() -> dict[str, str]:
    """An entry's status by its value, in the current language (the templates' ``status_labels``)."""
    return {status.value: str(label) for status, label in ENTRY_STATUSES.items()}


def import_state_labels() -> dict[str, str]:
    """An import's state by its value, in the current language."""
    return {state.value: str(label) for state, label in IMPORT_STATES.items()}


def template_labels() -> dict[str, object]:
    """The words every registry page may use, for the blueprint's context processor."""
    return {
        "kind_labels": {kind.value: str(label) for kind, label in EVENT_KINDS.items()},
        "stage_labels": {stage.value: str(label) for stage, label in STAGES.items()},
        "status_labels": status_labels(),
    }


# --- an import's problems, its fields and a table's problems, by their stable codes ------------

PROBLEMS = {
    "missing_column": _l("the column is missing"),
    "unknown_column": _l(
        "the import does not know this column and would ignore it: rename its title, or confirm"
        " that it may be ignored"
    ),
    "required": _l("required, but empty"),
    "iin_length": _l("an IIN has 12 digits"),
    "iin_not_digits": _l("an IIN holds digits only"),
    "iin_century": _l("the IIN's 7th digit (century and sex) is not 1–6"),
    "iin_date": _l("the IIN does not begin with a real date of birth"),
    "iin_check_digit": _l("the IIN's check digit is wrong"),
    "name_characters": _l("a name holds letters, spaces, hyphens and apostrophes only"),
    "grade": _l("a grade is a whole number from 1 to 12"),
    "date": _l("a date looks like 2026-11-22 or 22.11.2026"),
    "boolean": _l("answer yes or no"),
    "duplicate_iin": _l("this IIN appears earlier in the file"),
    "organisation_kind": _l("the organisation kind is school, university or other"),
    "email": _l("not an e-mail address"),
    "school_unknown": _l("no such school in the registry"),
    "school_ambiguous": _l("several schools have this name: add the district column"),
    "district_unknown": _l("no such district in the registry"),
    "subject_unknown": _l("no such subject in this event"),
    "subject_no_round": _l("this subject has no round yet"),
    "grade_range": _l("this grade may not enter this subject"),
}

FIELDS = {
    "iin": _l("IIN"),
    "surname": _l("Surname"),
    "given_name": _l("Given name"),
    "patronymic": _l("Patronymic"),
    "grade": _l("Grade"),
    "school": _l("School"),
    "district": _l("District"),
    "subject": _l("Subject"),
    "subjects": _l("Subjects"),
    "supervisor": _l("Supervisor"),
    "consent_by": _l("Consent given by"),
    "consent_date": _l("Consent date"),
    "consent_public": _l("Consent to public listing"),
    "organisation_kind": _l("Organisation kind"),
    "organisation": _l("Organisation"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "file": _l("File"),
    "column": _l("Column"),
}

TABLE_PROBLEMS = {
    "empty": _l("The file is empty."),
    "encoding": _l("The file's text encoding could not be read."),
    "not_a_table": _l("The file is not a CSV or XLSX table."),
    "xlsx_broken": _l("The XLSX file is damaged and cannot be opened."),
    "no_header": _l("The file has no header row."),
    "too_many_rows": _l("The file has too many rows."),
    "too_many_columns": _l("The file has too many columns."),
    "cell_too_long": _l("A cell of the file is too long."),
    "xlsx_too_large": _l("The XLSX file unpacks to more than the import reads."),
    "xlsx_entities": _l("The XLSX file declares XML entities, which the import does not read."),
}


def problem_text(code: str) -> str:
    message = PROBLEMS.get(code)
    return str(message) if message is not None else code


def field_text(field: str) -> str:
    label = FIELDS.get(field)
    return str(label) if label is not None else field

"""The words for every vocabulary of the registry, in the user's language: the forms' choices,
the pages and the templates all read them here, so a label is changed in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from integrity.registry.domain.kinds import (
    EntryStatus,
    EventKind,
    OrganisationKind,
    RelationKind,
    Stage,
)
from integrity.registry.models import ImportState

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

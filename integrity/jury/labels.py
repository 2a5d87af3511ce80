"""The jury's words for its enums, in the reader's language: one place for the pages, the forms
and the commands."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from integrity.jury.domain.conflicts import Reason
from integrity.jury.models import DrawState, MarkingState


def reason_labels() -> dict[str, str]:
    """Why a juror and an entry are kept apart (a conflict's reasons)."""
    return {
        Reason.SAME_SCHOOL: str(_l("same school")),
        Reason.SAME_DISTRICT: str(_l("same district")),
        Reason.RELATIVE: str(_l("declared relative")),
        Reason.OWN_PUPIL: str(_l("own pupil")),
        Reason.SUPERVISED_PROJECT: str(_l("supervised project")),
        Reason.NAMED_SUPERVISOR: str(_l("named as the participant's supervisor")),
        Reason.SURNAME_IN_DISTRICT: str(_l("same surname in the same district")),
        Reason.SUPERVISOR_RESEMBLES: str(_l("supervisor's name resembles the juror's")),
        Reason.RELATION_BY_NAME: str(_l("declared relation by name, without IIN")),
    }


def state_labels() -> dict[DrawState, str]:
    """Where a draw's ceremony stands."""
    return {
        DrawState.FROZEN: str(_l("frozen, awaiting the commitment")),
        DrawState.COMMITTED: str(_l("committed, taking contributions")),
        DrawState.REVEALED: str(_l("revealed")),
        DrawState.CANCELLED: str(_l("cancelled")),
    }


def marking_state_labels() -> dict[MarkingState, str]:
    """Where one juror's marking of one work stands (the chair's discrepancy rows)."""
    return {
        MarkingState.NOT_STARTED: str(_l("not started")),
        MarkingState.DRAFT: str(_l("draft saved")),
        MarkingState.SUBMITTED: str(_l("submitted")),
    }


# A draw's mode (the freeze form's choices).
MODES = (("double", _l("double blind marking")), ("panel", _l("a panel drawn by lot")))

# The chair's decision on a potential conflict (the conflicts form's choices).
DECISIONS = (("confirm", _l("a conflict: keep them apart")), ("dismiss", _l("no conflict")))

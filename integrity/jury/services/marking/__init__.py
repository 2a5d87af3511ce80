"""Marking: a juror's drafts and submissions (``juror``), reconciliation and third markers
(``reconciling``), the chair's decisions (``chair``) and what the chair watches (``progress``).

A juror reaches only their own assignments (anything else is "not found", so ids reveal nothing),
sees ciphers and masked pages only, and never another marker's points.
"""

from __future__ import annotations

from integrity.jury.services.marking.chair import (
    chair_decide,
    lock_marks,
    reopen_submitted,
    return_assignment,
    return_marking,
    submitted_marking,
)
from integrity.jury.services.marking.juror import (
    SHOWS,
    Line,
    Works,
    home,
    juror_of,
    masked_page,
    next_to_do,
    own_assignment,
    pages_of,
    save,
    saved_values,
    tasks_of,
    works,
)
from integrity.jury.services.marking.progress import (
    JurorProgress,
    open_scores,
    progress,
    statistics,
)
from integrity.jury.services.marking.reconciling import reconcile, tolerance
from integrity.jury.services.marking.sheets import (
    Discrepancy,
    MarkerPoints,
    discrepancies,
    markings_of,
)

__all__ = [
    "SHOWS",
    "Discrepancy",
    "JurorProgress",
    "Line",
    "MarkerPoints",
    "Works",
    "chair_decide",
    "discrepancies",
    "home",
    "juror_of",
    "lock_marks",
    "markings_of",
    "masked_page",
    "next_to_do",
    "open_scores",
    "own_assignment",
    "pages_of",
    "progress",
    "reconcile",
    "reopen_submitted",
    "return_assignment",
    "return_marking",
    "save",
    "saved_values",
    "statistics",
    "submitted_marking",
    "tasks_of",
    "tolerance",
    "works",
]

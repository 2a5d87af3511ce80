"""The diplomas area's use cases: issuing (``issuing``), a protocol's batch with a second person's
approval (``batches``), status changes (``status``), and what the staff pages read (``pages``).

Services flush and record audit events; the view, command or job commits once. The settings
(issuer, signing passphrase, zone) are passed in.
"""

from integrity.diplomas.services.batches import (
    Preview,
    batch_documents,
    decide_batch,
    preview_batch,
    protocol_drafts,
    request_batch,
)
from integrity.diplomas.services.issuing import (
    AWARD_TYPES,
    CHANGEABLE,
    INDIVIDUAL_TYPES,
    LANGUAGES,
    Draft,
    find_by_serial,
    issue,
    issue_one,
)
from integrity.diplomas.services.pages import EventPage, event_page, subject_names
from integrity.diplomas.services.status import reissue, set_status

__all__ = [
    "AWARD_TYPES",
    "CHANGEABLE",
    "INDIVIDUAL_TYPES",
    "LANGUAGES",
    "Draft",
    "EventPage",
    "Preview",
    "batch_documents",
    "decide_batch",
    "event_page",
    "find_by_serial",
    "issue",
    "issue_one",
    "preview_batch",
    "protocol_drafts",
    "reissue",
    "request_batch",
    "set_status",
    "subject_names",
]

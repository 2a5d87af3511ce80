"""Participants, entries, jurors, their declared relations and declarations: the use cases, by
topic in the modules below, re-exported here so callers write ``people.register_juror``."""

from __future__ import annotations

from integrity.registry.services.people.jurors import (
    DECLARATION_STATEMENT,
    declare_relation,
    link_juror_account,
    register_juror,
    set_juror_subjects,
    sign_declaration,
)
from integrity.registry.services.people.participants import (
    assign_seats,
    checked_iin,
    clean_name,
    enter_participant,
    record_consent,
    register_participant,
    seat_entry,
    set_entry_status,
)

__all__ = [
    "DECLARATION_STATEMENT",
    "assign_seats",
    "checked_iin",
    "clean_name",
    "declare_relation",
    "enter_participant",
    "link_juror_account",
    "record_consent",
    "register_juror",
    "register_participant",
    "seat_entry",
    "set_entry_status",
    "set_juror_subjects",
    "sign_declaration",
]

"""Reading an event for the log's page: what its subject and data name, and what a reader without
the right to see pupils' identities must not get, in words or in the raw form. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Subjects that are a pupil: a reader without the right to see identities gets only the kind.
PERSONAL_KINDS = frozenset({"participant", "entry"})

# Free text written by or about a pupil (it may hold a name, and beside a cipher it would name the
# cipher's owner): hidden, in words and in the raw form, from a reader without that right.
PERSONAL_VALUES: Mapping[str, frozenset[str]] = {
    "appeals.filed": frozenset({"reason"}),
    "registry.set_entry_status": frozenset({"reason", "evidence_url"}),
    "registry.import_checked": frozenset({"table_error"}),
    "registry.import_failed": frozenset({"error"}),
    "diploma.status_changed": frozenset({"reason"}),
    "diploma.superseded": frozenset({"reason"}),
    # a juror's relation to a pupil, in the chair's words
    "jury.conflict_confirmed": frozenset({"reason"}),
    "jury.conflict_dismissed": frozenset({"reason"}),
    # the commission's reasons answer a pupil's appeal
    "appeals.decided": frozenset({"reason"}),
}

# Data keys whose value is the id (or a list of ids) of another record, by the record's kind.
LINKED_KEYS: Mapping[str, str] = {
    "event_id": "event",
    "subject_id": "subject",
    "subject_ids": "subject",
    "round_id": "round",
    "school_id": "school",
    "district_id": "district",
    "venue_id": "venue",
    "room_id": "room",
    "room_ids": "room",
    "participant_id": "participant",
    "entry_id": "entry",
    "juror_id": "juror",
    "commission": "juror",
    "user_id": "user",
    "protocol_id": "protocol",
    "work_id": "work",
    "analysis": "risk_analysis",
    "previous": "risk_analysis",
}

HIDDEN = "…"  # what the raw form shows in place of a hidden value


@dataclass(frozen=True)
class Named:
    """A record as the log names it: its words, and the page that shows it (an endpoint and its
    arguments), or no page."""

    text: str
    endpoint: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


def parse_subject(subject: str) -> tuple[str, int | None]:
    """``"round:7"`` → ("round", 7); a subject of another shape → (subject, None)."""
    kind, _, rest = subject.partition(":")
    if rest.isascii() and rest.isdigit():
        return kind, int(rest)
    return subject, None


def ids_of(value: Any) -> list[int]:
    """The ids a linked key's value holds (one, a list, or a comma-separated text)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if isinstance(value, list):
        found = [v if isinstance(v, int) else int(v) if str(v).isdigit() else None for v in value]
        return [v for v in found if v is not None and not isinstance(v, bool)]
    return []


def hidden_keys(action: str, sees_identities: bool) -> frozenset[str]:
    return frozenset() if sees_identities else PERSONAL_VALUES.get(action, frozenset())


def redacted(data: Mapping[str, Any], hidden: frozenset[str]) -> dict[str, Any]:
    return {k: (HIDDEN if k in hidden else v) for k, v in data.items()}


def raw_text(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    actor: str,
    action: str,
    subject: str,
    data: Mapping[str, Any],
    prev_hash: str,
    hash: str,
) -> str:
    """The event as stored (the data as the reader may see it), for auditors."""
    record = {"seq": seq, "at": at, "actor_id": actor_id, "actor": actor, "action": action,
              "subject": subject, "data": dict(data), "prev_hash": prev_hash, "hash": hash}  # fmt: skip
    return json.dumps(record, ensure_ascii=False)

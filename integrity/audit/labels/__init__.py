"""The audit log's words, in the reader's language: every action the code records (a unit test
finds each ``area.verb`` the services write and fails on one without a label here), the areas, the
kinds of subject, the keys of an event's data, the actors that are no user, and a few values.

The raw form (the stored action, subject and JSON) stays one click away on the log's page."""

from __future__ import annotations

from integrity.audit.labels.actions import ACTIONS, AREAS
from integrity.audit.labels.data import ACTORS, KEYS, KINDS, POINTS_KEYS, VALUES

__all__ = [
    "ACTIONS",
    "ACTORS",
    "AREAS",
    "KEYS",
    "KINDS",
    "POINTS_KEYS",
    "VALUES",
    "action_choices",
    "action_label",
]


def action_label(action: str) -> str:
    """An action in words; an action without a label (the unit test forbids it) stays as stored."""
    label = ACTIONS.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The log's filter: each area (its value: the prefix ``area.``) with its actions."""
    return [
        (area, sorted(((a, str(w)) for a, w in ACTIONS.items() if a.startswith(f"{area}.")),
                      key=lambda pair: pair[1]))
        for area in AREAS
    ]  # fmt: skip

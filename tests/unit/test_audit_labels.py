"""Every audit action the code writes has words in ``integrity.audit.labels``: the test reads the
services' source, so an action added tomorrow without a label fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from integrity.audit.domain import ACTION_PATTERN
from integrity.audit.domain.reading import LINKED_KEYS, PERSONAL_KINDS, parse_subject
from integrity.audit.labels import ACTIONS, AREAS, KEYS, KINDS

PACKAGE = Path(__file__).resolve().parents[2] / "integrity"

# Actions built from a value rather than written out: the f-string's literal start, and the
# actions it makes (``uploads.<state>`` for the two states a finished upload ends in).
COMPOSED = {"uploads.": {"uploads.done", "uploads.refused"}}


def _services() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if "services" in p.parts or p.stem == "services"]  # fmt: skip


def _record_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record_event"]  # fmt: skip


def written_actions() -> set[str]:
    """Each ``area.verb`` text in a service module whose area is one the services record under
    (a literal action of some ``record_event`` call), and the actions of composed ones."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in _services()}
    areas: set[str] = set()
    composed: set[str] = set()
    for path, tree in trees.items():
        for call in _record_calls(tree):
            action = next((k.value for k in call.keywords if k.arg == "action"), None)
            for node in ast.walk(action) if action is not None else ():
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    areas.add(node.value.split(".", 1)[0])
            if isinstance(action, ast.JoinedStr):
                start = action.values[0]
                prefix = start.value if isinstance(start, ast.Constant) else ""
                assert prefix in COMPOSED, f"{path}: list what {ast.unparse(action)} makes"
                composed |= COMPOSED[prefix]
    found = {
        node.value
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and ACTION_PATTERN.match(node.value) and node.value.split(".", 1)[0] in areas
    }  # fmt: skip
    return found | composed


def test_every_audit_action_the_services_write_has_a_label_in_words() -> None:
    written = written_actions()
    assert len(written) > 90  # the scan finds them (97 literal ones when this was written)
    assert {"accounts.login", "risk.signed", "scans.print_kits", "uploads.done"} <= written
    missing = sorted(written - ACTIONS.keys())
    assert not missing, (
        f"give these audit actions words in integrity/audit/labels/actions.py: {missing}"
    )


def test_every_labelled_action_belongs_to_a_named_area_and_is_still_written() -> None:
    assert all(a.split(".", 1)[0] in AREAS for a in ACTIONS)
    assert not sorted(ACTIONS.keys() - written_actions())  # no words for actions nobody writes


def test_every_linked_key_and_personal_kind_has_words() -> None:
    assert set(LINKED_KEYS) <= set(KEYS)
    assert set(LINKED_KEYS.values()) | PERSONAL_KINDS <= set(KINDS)


def test_a_subject_is_read_as_kind_and_id() -> None:
    assert parse_subject("round:7") == ("round", 7)
    assert parse_subject("x") == ("x", None)
    assert parse_subject("3/4") == ("3/4", None)


def test_free_text_that_may_name_a_pupil_is_hidden_from_a_reader_without_the_right() -> None:
    from integrity.audit.domain.reading import hidden_keys

    about_pupils = ["appeals.filed", "appeals.decided", "registry.set_entry_status",
                    "jury.conflict_confirmed", "jury.conflict_dismissed",
                    "diploma.status_changed", "diploma.superseded"]  # fmt: skip
    assert [a for a in about_pupils if "reason" not in hidden_keys(a, sees_identities=False)] == []
    assert hidden_keys("jury.conflict_confirmed", sees_identities=True) == frozenset()

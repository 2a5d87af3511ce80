"""A frozen marking scheme's fingerprint. Pure.

When a task's scheme is frozen its canonical form (form 1: the task's maximum and, per criterion,
its number, maximum and wording in Kazakh and in Russian, either possibly empty) is hashed with
SHA-256 and the hash and the form are written to the audit chain. A wording correction after the
freeze is a new version of the scheme with its own hash; its points never change. Anyone can
recompute a version's hash from the audit event that recorded it.

Schemes frozen before the hash existed were fingerprinted by the migration that added it, from
their stored wording, which could not change after their freeze (form 1 is what it hashed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

SCHEME_FORM = 1

CriterionWording = tuple[int, int, str, str]  # number, max units, description kk, description ru


def scheme_payload(
    *, max_units: int, version: int, criteria: Sequence[CriterionWording]
) -> dict[str, Any]:
    """The canonical form of one version of a scheme."""
    return {
        "form": SCHEME_FORM,
        "version": version,
        "max_units": max_units,
        "criteria": [
            {"number": number, "max_units": units, "kk": kk, "ru": ru}
            for number, units, kk, ru in criteria
        ],
    }


def scheme_digest(payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def wording_problem(kk: str, ru: str) -> bool:
    """A criterion needs its wording in at least one of the two languages."""
    return not kk.strip() and not ru.strip()

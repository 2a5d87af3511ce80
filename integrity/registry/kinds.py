"""The vocabularies moved to ``integrity.registry.domain.kinds``; this path stays only while
``tests/factories.py`` (merged by the lead) still imports it. Delete it with that import."""

from __future__ import annotations

from integrity.registry.domain.kinds import EventKind, OrganisationKind, Stage

__all__ = ["EventKind", "OrganisationKind", "Stage"]

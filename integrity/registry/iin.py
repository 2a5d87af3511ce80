"""The IIN rules moved to ``integrity.registry.domain.iin``; this path stays only while
``tests/factories.py`` (merged by the lead) still imports it. Delete it with that import."""

from __future__ import annotations

from integrity.registry.domain.iin import make_iin

__all__ = ["make_iin"]

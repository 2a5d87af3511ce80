"""Helpers shared by every area's forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def choice_list(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (tuples are deprecated from WTForms 3.3)."""
    return [SelectChoice(value=value, label=str(label)) for value, label in pairs]

"""How the registry's (and the later areas') enums are stored."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    Enum,
)


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint (no native PostgreSQL type to migrate)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )

"""The registry's screens. One blueprint (``blueprint``); routes split by concept across the
modules below, each importing the blueprint, never this package."""

from __future__ import annotations

from integrity.registry.views import catalogue, imports, people, places
from integrity.registry.views.blueprint import (
    CATALOGUE_READERS,
    EDITORS,
    JUROR_READERS,
    PEOPLE_READERS,
    bp,
)

__all__ = [
    "CATALOGUE_READERS",
    "EDITORS",
    "JUROR_READERS",
    "PEOPLE_READERS",
    "bp",
    "catalogue",
    "imports",
    "people",
    "places",
]

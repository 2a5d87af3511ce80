"""The jury's pure core, tested without an app: marking arithmetic (``marking``), conflicts of
interest from registry facts (``conflicts``) and the draw itself (``draw``, one self-contained file
that anyone runs to check a published draw, so it imports nothing of Integrity)."""

from __future__ import annotations

from integrity.jury.domain.marking import (
    SIXTIETHS_PER_UNIT,
    JurorStats,
    Marking,
    Outcome,
    format_sixtieths,
    juror_statistics,
    mean_sixtieths,
    parse_capacities,
    reconcile_pair,
    reconcile_panel,
)

__all__ = [
    "SIXTIETHS_PER_UNIT",
    "JurorStats",
    "Marking",
    "Outcome",
    "format_sixtieths",
    "juror_statistics",
    "mean_sixtieths",
    "parse_capacities",
    "reconcile_pair",
    "reconcile_panel",
]

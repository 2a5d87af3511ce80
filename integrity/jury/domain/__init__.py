"""The jury's pure core, tested without an app: marking arithmetic (``marking``), conflicts of
interest from registry facts (``conflicts``) and the draw itself (``draw``, a package that imports
nothing of Integrity, joined into the one file anyone runs to check a published draw)."""

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

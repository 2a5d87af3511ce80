"""Transitional alias of ``integrity.scans.domain.simulate`` for ``tests/factories.py`` (a shared
file another session updates); remove once nothing imports this path."""

from integrity.scans.domain.simulate import (
    Degradation,
    ScanPdfWriter,
    ScanPlan,
    degrade,
    destroy_codes,
    rasterise_page,
    simulate_scans,
)

__all__ = [
    "Degradation",
    "ScanPdfWriter",
    "ScanPlan",
    "degrade",
    "destroy_codes",
    "rasterise_page",
    "simulate_scans",
]

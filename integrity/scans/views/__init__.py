"""The IT specialist's screens: kits, uploads with progress, the page queue, the freeze.

No screen here shows a jury cipher: pages are known by upload and position, booklets by serial.
One blueprint (``blueprint``); routes split by concept across the modules below, each importing
the blueprint, never this package.
"""

from __future__ import annotations

from integrity.scans.views import kits, queue, rounds, uploads
from integrity.scans.views.blueprint import STAFF, bp

__all__ = ["STAFF", "bp", "kits", "queue", "rounds", "uploads"]

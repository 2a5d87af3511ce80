"""The draw: its inputs (``inputs``), the ceremony that turns them into an assignment
(``ceremony``: freeze, commit, contribute, reveal, or cancel before the reveal) and what it
publishes (``records``)."""

from __future__ import annotations

from integrity.jury.services.draws.ceremony import (
    MIN_CONTRIBUTIONS,
    cancel,
    commit,
    contribute,
    freeze,
    reveal,
)
from integrity.jury.services.draws.inputs import (
    Pool,
    active_draw,
    build_manifest,
    juror_pool,
    manifest_of,
)
from integrity.jury.services.draws.records import published_heads, published_record

__all__ = [
    "MIN_CONTRIBUTIONS",
    "Pool",
    "active_draw",
    "build_manifest",
    "cancel",
    "commit",
    "contribute",
    "freeze",
    "juror_pool",
    "manifest_of",
    "published_heads",
    "published_record",
    "reveal",
]

"""What a draw publishes: the record ``verify_draw.py`` reads, and the chain heads its reveals
recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from integrity.db import AnySession
from integrity.jury.domain import draw as algorithm
from integrity.jury.models import Draw
from integrity.jury.services.draws.inputs import manifest_of


def published_record(draw: Draw, *, with_manifest: bool) -> dict[str, Any]:
    """What verify_draw.py reads. The manifest (whose conflict lists tell which works share a
    school with which juror) and the secret belong to it once the time comes; see the README."""
    record: dict[str, Any] = {
        "algorithm": algorithm.ALGORITHM,
        "manifest_sha256": draw.manifest_sha256,
        "commitment": draw.commitment,
        "contributions": [
            {"position": c.position, "contributor": c.contributor, "value": c.value}
            for c in draw.contributions
        ],
        "secret": draw.secret,
        "final_seed": draw.final_seed,
        "assignment_sha256": draw.assignment_sha256,
    }
    if with_manifest:
        record["manifest"] = manifest_of(draw)
    return record


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded at each draw's reveal, for `integrity audit verify`."""
    rows = session.execute(
        select(Draw.chain_head, Draw.id).where(Draw.chain_head.is_not(None))
    ).all()
    return {head: f"the draw {draw_id}" for head, draw_id in rows if head is not None}

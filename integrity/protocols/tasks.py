"""The protocols area's background jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrity.audit.domain.chain import Actor
from integrity.extensions import db
from integrity.jobs import JobKind, Run


def _refresh(args: dict[str, Any], run: Run) -> None:
    from integrity.protocols.services import refresh_public_renderings

    refresh_public_renderings(db.session, actor=Actor(None, "jobs"))
    db.session.commit()


# A guardian's consent changes what the public sees at once (the pages render live); within five
# minutes the new public rendering is also stored, numbered and logged.
REFRESH_RENDERINGS = JobKind(
    "protocols.refresh_public_renderings", _refresh, attempts=1, every=dt.timedelta(minutes=5)
)

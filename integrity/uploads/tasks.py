"""Jobs of resumable uploads: handing a finished file to its purpose; ending forgotten ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app

from integrity import jobs
from integrity.extensions import db
from integrity.jobs import JobKind, Run, actor_of
from integrity.settings import settings_of
from integrity.uploads import services
from integrity.uploads.wiring import purposes_of, spool_of


def _finish(args: dict[str, Any], run: Run) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    services.finish(db.session, args["resumable_id"], actor=actor_of(args),
                    purposes=purposes_of(app), spool=spool_of(app),
                    settings=settings_of(app))  # fmt: skip
    run.checkpoint(db.session)
    jobs.dispatch(db.session, app)  # what the purpose queued in turn (the reading of scans)


def _given_up(args: dict[str, Any], error: str) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    services.give_up(db.session, args["resumable_id"], actor=actor_of(args), error=error,
                     spool=spool_of(app))  # fmt: skip


def _expire(args: dict[str, Any], run: Run) -> None:
    services.expire(db.session, spool=spool_of(current_app))


# A finished upload handed to its purpose: three tries.
FINISH = JobKind("uploads.finish", _finish, attempts=3, give_up=_given_up)
# Unfinished uploads whose sender went silent for a day end, hourly.
EXPIRE = JobKind("uploads.expire", _expire, attempts=1, every=dt.timedelta(hours=1))

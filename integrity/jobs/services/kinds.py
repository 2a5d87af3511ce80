"""What a job is: its kind, what a running job knows of its run, and one app's job system."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import update

from integrity.audit.domain import Actor
from integrity.db import AnySession, utcnow
from integrity.jobs.models import Job
from integrity.jobs.transport import Transport, open_transport

log = logging.getLogger("integrity.job")
EXTENSION = "integrity.jobs"


class Host(Protocol):
    """The app jobs run in, as the job system sees it: where its ``JobSystem`` is kept, and the
    context that binds ``db.session`` to it (a Flask app is one; the job system needs no more)."""

    extensions: dict[str, Any]

    def app_context(self) -> AbstractContextManager[Any]: ...


class Interrupted(BaseException):
    """Raised at a checkpoint when the worker is stopping: the checkpoint was committed."""


class LeaseLost(BaseException):
    """Raised at a checkpoint when another worker has taken the job over: nothing was committed."""


@dataclass(frozen=True)
class JobKind:
    """A kind of background job. ``run`` does the work and commits at its checkpoints through
    ``Run.checkpoint``; ``give_up`` records the failure where users see it, once the job has
    failed for good: its last try raised, a try raised a domain error (every retry would meet
    it), or its worker was lost on the last try."""

    name: str
    run: Callable[[dict[str, Any], Run], None]
    attempts: int = 3
    give_up: Callable[[dict[str, Any], str], None] | None = None
    every: dt.timedelta | None = None  # periodic: submitted once per slot of this length


@dataclass
class Run:
    """What a running job knows of its own run."""

    job_id: int
    owner: str
    attempt: int
    last_try: bool
    lease: dt.timedelta
    stop: threading.Event = field(default_factory=threading.Event)

    def checkpoint(self, session: AnySession) -> None:
        """Commit the work so far if this worker still holds the job, then stop if asked to."""
        renewed = session.execute(
            update(Job)
            .where(Job.id == self.job_id, Job.owner == self.owner)
            .values(lease_until=utcnow() + self.lease)
        )
        if renewed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            raise LeaseLost(
                f"job {self.job_id} was taken over; its work since the last checkpoint is dropped"
            )
        session.commit()
        if self.stop.is_set():
            raise Interrupted(f"job {self.job_id} stopped at a checkpoint")


@dataclass
class JobSystem:
    """One app's jobs: its kinds, its queue, its lease; kept in ``app.extensions``."""

    kinds: dict[str, JobKind]
    url: str
    lease: dt.timedelta
    inline: bool  # tests: a job runs in the request that submits it, after its commit
    _transport: Transport | None = None

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            self._transport = open_transport(self.url)
        return self._transport


def system(app: Host) -> JobSystem:
    found: JobSystem = app.extensions[EXTENSION]
    return found


def actor_of(args: dict[str, Any]) -> Actor:
    """Who asked for a job (see ``submit``)."""
    return Actor(args["actor_id"], args["actor_name"])


def log_job(name: str, *, status: str, user_id: int | None, started: float, **fields: Any) -> None:
    log.info(
        "job",
        extra={
            "fields": {
                "job": name,
                "status": status,
                "user_id": user_id,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                **fields,
            }
        },
    )


def note(event: str, job_id: int, **fields: Any) -> None:
    log.info("job " + event, extra={"fields": {"event": event, "job_id": job_id, **fields}})

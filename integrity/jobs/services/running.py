"""Submitting a job, and running it: claim its row under a lease, run its kind, record the end."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from integrity.audit.domain import Actor
from integrity.db import AnySession, utcnow
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.jobs.models import Job, JobState
from integrity.jobs.services.kinds import (
    Host,
    Interrupted,
    JobKind,
    LeaseLost,
    Run,
    note,
    system,
)
from integrity.jobs.services.upkeep import send_due

log = logging.getLogger("integrity.job")  # the same logger as kinds.log
PENDING = "integrity.jobs.pending"

# -- submitting -------------------------------------------------------------------------------


def submit(
    session: AnySession,
    kind: JobKind,
    args: dict[str, Any],
    *,
    actor: Actor | None = None,
    key: str | None = None,
) -> Job:
    """Add a job to the caller's unit of work; ``dispatch`` sends it once that unit commits.
    ``actor``: who asked for it, whom its audit events name (``actor_of`` reads it back)."""
    if actor is not None:
        args = {**args, "actor_id": actor.id, "actor_name": actor.name}
    job = Job(kind=kind.name, args=args, key=key, max_attempts=kind.attempts)
    session.add(job)
    session.flush()
    session.info.setdefault(PENDING, []).append(job.id)
    return job


def dispatch(session: AnySession, app: Host) -> None:
    """Send the jobs this session submitted, after its commit (inline in tests: run them now).

    A job committed but never sent (the process died in between) is sent by a worker's sweep."""
    pending: list[int] = session.info.pop(PENDING, [])
    jobs = system(app)
    for job_id in pending:
        if jobs.inline:
            execute(app, job_id, owner=f"inline:{uuid.uuid4().hex[:8]}", stop=threading.Event())
            continue
        with Session(db.engine) as own:
            own.execute(update(Job).where(Job.id == job_id).values(sent_at=utcnow()))
            own.commit()
        jobs.transport.send(job_id)


# -- running ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    kind: str
    args: dict[str, Any]
    attempt: int
    max_attempts: int


def claim(job_id: int, owner: str, lease: dt.timedelta) -> Claimed | None:
    """Take the job if it is queued and due, or running under a lease that ran out; None if
    another worker has it or it is finished (a repeated message)."""
    now = utcnow()
    with Session(db.engine) as own:
        taken = own.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.not_before <= now,
                or_(
                    Job.state == JobState.QUEUED.value,
                    (Job.state == JobState.RUNNING.value) & (Job.lease_until < now),
                ),
            )
            .values(
                state=JobState.RUNNING.value,
                owner=owner,
                lease_until=now + lease,
                attempts=Job.attempts + 1,
                started_at=now,
            )
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            own.rollback()
            return None
        job = own.get(Job, job_id)
        assert job is not None
        claimed = Claimed(job.kind, dict(job.args), job.attempts, job.max_attempts)
        own.commit()
    return claimed


def release(job_id: int, owner: str, **values: Any) -> bool:
    """Change a job this worker holds; False when it no longer holds it."""
    with Session(db.engine) as own:
        done = own.execute(
            update(Job).where(Job.id == job_id, Job.owner == owner).values(owner=None, **values)
        )
        own.commit()
        return done.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def _give_up(kind: JobKind, args: dict[str, Any], error: str) -> None:
    """Record a job's final failure where its users see it (the upload, the import), in its own
    unit of work: a kind's ``give_up`` runs once, whether the last try raised or its worker was
    lost."""
    if kind.give_up is None:
        return
    try:
        kind.give_up(dict(args), error)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job give-up failed", extra={"fields": {"kind": kind.name}})


def execute(app: Host, job_id: int, *, owner: str, stop: threading.Event,
            running: dict[int, Run] | None = None) -> str:  # fmt: skip
    """Claim and run one job; returns what became of it (for the log and the tests)."""
    jobs = system(app)
    with app.app_context():
        claimed = claim(job_id, owner, jobs.lease)
        if claimed is None:
            return "not claimed"
        kind = jobs.kinds.get(claimed.kind)
        if kind is None:
            release(job_id, owner, state=JobState.FAILED.value, finished_at=utcnow(),
                     error=f"no job kind {claimed.kind!r} in this version")  # fmt: skip
            return "failed"
        last_try = jobs.inline or claimed.attempt >= claimed.max_attempts
        run = Run(job_id, owner, claimed.attempt, last_try, jobs.lease, stop)
        if running is not None:
            running[job_id] = run
        note("started", job_id, kind=claimed.kind, attempt=claimed.attempt, owner=owner)
        try:
            kind.run(claimed.args, run)
            db.session.commit()
        except Interrupted:
            db.session.rollback()
            # Stopped at a checkpoint: not a failed try. Queued again at once; sent again by the
            # worker that stops (or by the next worker's sweep, if that send is lost).
            if release(job_id, owner, state=JobState.QUEUED.value, lease_until=None,
                        attempts=claimed.attempt - 1, sent_at=None):  # fmt: skip
                note("put back", job_id, kind=claimed.kind)
                send_due(jobs, [job_id])
            return "put back"
        except LeaseLost:
            db.session.rollback()
            note("lease lost", job_id, kind=claimed.kind)
            return "lease lost"
        except Exception as exc:
            db.session.rollback()
            error = (str(exc) or type(exc).__name__)[:2000]
            # A domain error (a refused file, a closed round) is the same on every try.
            if last_try or isinstance(exc, DomainError):
                _give_up(kind, claimed.args, error)
                release(job_id, owner, state=JobState.FAILED.value, finished_at=utcnow(),
                         lease_until=None, error=error)  # fmt: skip
                log.exception(
                    "job failed", extra={"fields": {"job_id": job_id, "kind": claimed.kind}}
                )
                return "failed"
            delay = dt.timedelta(seconds=5 * claimed.attempt)
            release(job_id, owner, state=JobState.QUEUED.value, lease_until=None, sent_at=None,
                     not_before=utcnow() + delay, error=error)  # fmt: skip
            note("retry", job_id, kind=claimed.kind, error=error, after_s=delay.total_seconds())
            return "retry"
        finally:
            if running is not None:
                running.pop(job_id, None)
            db.session.remove()
        release(job_id, owner, state=JobState.DONE.value, finished_at=utcnow(), lease_until=None,
                 error=None)  # fmt: skip
        note("done", job_id, kind=claimed.kind)
        return "done"

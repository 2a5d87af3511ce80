"""Background jobs that survive their worker: submit, claim under a lease, checkpoint, put back.

A job is a row (``models.Job``) written in the same unit of work as what it is for, and a message
on the queue sent after that unit commits. A worker runs a job only after *claiming* its row: a
conditional update that succeeds for one worker only. While it runs, the worker renews a lease
(``JOBS_LEASE_SECONDS``); a job whose worker was killed or lost its machine is queued again by any
other worker once the lease runs out, and resumes from its last checkpoint. Every checkpoint
renews the lease inside the unit of work it commits, and commits only if this worker still holds
it, so a worker that lost its lease (frozen, then woken) cannot write over the one that took over.
A worker asked to stop lets each running job commit its next checkpoint, then puts the job back
on the queue: an interruption does not count as a try.

Periodic kinds (``JobKind.every``) are submitted by every worker's scheduler, once per slot: the
slot is the row's unique key, so two schedulers cannot run one slot twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integrity.audit.chain import Actor
from integrity.db import AnySession, utcnow
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.jobs.models import Job, JobState
from integrity.jobs.transport import Transport, open_transport
from integrity.settings import settings_of

log = logging.getLogger("integrity.job")
EXTENSION = "integrity.jobs"
PENDING = "integrity.jobs.pending"


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


def init_app(app: Flask, kinds: Iterable[JobKind]) -> None:
    settings = settings_of(app)
    app.extensions[EXTENSION] = JobSystem(
        kinds={k.name: k for k in kinds},
        url=settings.jobs_url,
        lease=dt.timedelta(seconds=settings.jobs_lease_seconds),
        inline=bool(app.testing),
    )


def system(app: Flask) -> JobSystem:
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


def _note(event: str, job_id: int, **fields: Any) -> None:
    log.info("job " + event, extra={"fields": {"event": event, "job_id": job_id, **fields}})


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


def dispatch(session: AnySession, app: Flask) -> None:
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


def execute(app: Flask, job_id: int, *, owner: str, stop: threading.Event,
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
        _note("started", job_id, kind=claimed.kind, attempt=claimed.attempt, owner=owner)
        try:
            kind.run(claimed.args, run)
            db.session.commit()
        except Interrupted:
            db.session.rollback()
            # Stopped at a checkpoint: not a failed try. Queued again at once; sent again by the
            # worker that stops (or by the next worker's sweep, if that send is lost).
            if release(job_id, owner, state=JobState.QUEUED.value, lease_until=None,
                        attempts=claimed.attempt - 1, sent_at=None):  # fmt: skip
                _note("put back", job_id, kind=claimed.kind)
                send_due(jobs, [job_id])
            return "put back"
        except LeaseLost:
            db.session.rollback()
            _note("lease lost", job_id, kind=claimed.kind)
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
            _note("retry", job_id, kind=claimed.kind, error=error, after_s=delay.total_seconds())
            return "retry"
        finally:
            if running is not None:
                running.pop(job_id, None)
            db.session.remove()
        release(job_id, owner, state=JobState.DONE.value, finished_at=utcnow(), lease_until=None,
                 error=None)  # fmt: skip
        _note("done", job_id, kind=claimed.kind)
        return "done"


# -- upkeep: leases, lost workers, lost messages, periodic slots ----------------------------------


def renew(owner: str, job_ids: Iterable[int], lease: dt.timedelta) -> set[int]:
    """Extend this worker's leases; returns the ids it no longer holds."""
    ids = set(job_ids)
    if not ids:
        return set()
    with Session(db.engine) as own:
        own.execute(
            update(Job)
            .where(Job.id.in_(ids), Job.owner == owner)
            .values(lease_until=utcnow() + lease)
        )
        held = set(own.execute(select(Job.id).where(Job.id.in_(ids), Job.owner == owner)).scalars())
        own.commit()
    return ids - held


def reap(app: Flask) -> list[int]:
    """Queue again every running job whose lease ran out (its worker is gone); a job lost on its
    last try fails, and its kind records that where users see it. Returns the ids requeued."""
    jobs = system(app)
    now = utcnow()
    requeued: list[int] = []
    with Session(db.engine) as own:
        lost = own.execute(
            select(Job).where(Job.state == JobState.RUNNING.value, Job.lease_until < now)
        ).scalars().all()  # fmt: skip
        for job in lost:
            owner, last = job.owner, job.attempts >= job.max_attempts
            values: dict[str, Any] = (
                {
                    "state": JobState.FAILED.value,
                    "finished_at": now,
                    "error": f"worker lost: {owner}",
                }
                if last
                else {"state": JobState.QUEUED.value, "sent_at": None}
            )
            taken = own.execute(
                update(Job)
                .where(Job.id == job.id, Job.owner == owner, Job.lease_until < now)
                .values(owner=None, lease_until=None, **values)
            )
            own.commit()
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            _note("worker lost", job.id, kind=job.kind, owner=owner, gave_up=last)
            kind = jobs.kinds.get(job.kind)
            if last and kind is not None and kind.give_up is not None:
                kind.give_up(dict(job.args), f"worker lost: {owner}")
                db.session.commit()
            elif not last:
                requeued.append(job.id)
    return requeued


def resend(jobs: JobSystem, job_id: int) -> None:
    """A message taken off the queue and not acted on: put it back (if the job still waits)."""
    with Session(db.engine) as own:
        own.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED.value)
            .values(sent_at=None)
        )
        own.commit()
    send_due(jobs, [job_id])


def send_due(jobs: JobSystem, ids: list[int] | None = None) -> list[int]:
    """Send queued, due jobs that have no message out (or whose message is long overdue)."""
    now = utcnow()
    overdue = now - 10 * jobs.lease
    sent: list[int] = []
    with Session(db.engine) as own:
        query = select(Job.id).where(
            Job.state == JobState.QUEUED.value,
            Job.not_before <= now,
            or_(Job.sent_at.is_(None), Job.sent_at < overdue),
        )
        if ids is not None:
            query = query.where(Job.id.in_(ids))
        for job_id in own.execute(query.order_by(Job.id).limit(100)).scalars().all():
            marked = own.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.QUEUED.value,
                       or_(Job.sent_at.is_(None), Job.sent_at < overdue))
                .values(sent_at=now)
            )  # fmt: skip
            own.commit()
            if marked.rowcount == 1:  # type: ignore[attr-defined]
                jobs.transport.send(job_id)
                sent.append(job_id)
    return sent


def slot_start(now: dt.datetime, every: dt.timedelta) -> dt.datetime:
    seconds = every.total_seconds()
    return dt.datetime.fromtimestamp((now.timestamp() // seconds) * seconds, dt.UTC)


def schedule(app: Flask, now: dt.datetime | None = None) -> list[int]:
    """Submit each periodic kind's current slot, unless some scheduler already did."""
    jobs = system(app)
    now = now or utcnow()
    made: list[int] = []
    for kind in jobs.kinds.values():
        if kind.every is None:
            continue
        key = f"{kind.name}@{slot_start(now, kind.every).isoformat()}"
        with Session(db.engine) as own:
            if own.scalar(select(Job.id).where(Job.key == key)) is not None:
                continue  # the usual case: a read, not a write that fails
            job = Job(kind=kind.name, args={}, key=key, max_attempts=kind.attempts)
            own.add(job)
            try:
                own.commit()
            except IntegrityError:
                own.rollback()
                continue
            made.append(job.id)
    return made


def sweep(app: Flask) -> list[int]:
    """A worker's upkeep: lost workers' jobs, periodic slots, and messages to send."""
    with app.app_context():
        reap(app)
        schedule(app)
        return send_due(system(app))


def prune(older_than: dt.timedelta) -> int:
    """Delete finished jobs older than ``older_than`` (what they did stays in the audit log)."""
    with Session(db.engine) as own:
        gone = own.execute(
            delete(Job).where(
                Job.state.in_((JobState.DONE.value, JobState.FAILED.value)),
                Job.finished_at < utcnow() - older_than,
            )
        )
        own.commit()
        return int(gone.rowcount)  # type: ignore[attr-defined]


def prune_job(args: dict[str, Any], run: Run) -> None:
    prune(dt.timedelta(days=int(args.get("days", 30))))


PRUNE = JobKind("jobs.prune", prune_job, attempts=1, every=dt.timedelta(days=1))

"""A worker's upkeep: leases, lost workers, lost messages, periodic slots, old rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integrity.db import utcnow
from integrity.extensions import db
from integrity.jobs.models import Job, JobState
from integrity.jobs.services.kinds import Host, JobKind, JobSystem, Run, note, system


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


def reap(app: Host) -> list[int]:
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
            note("worker lost", job.id, kind=job.kind, owner=owner, gave_up=last)
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


def schedule(app: Host, now: dt.datetime | None = None) -> list[int]:
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


def sweep(app: Host) -> list[int]:
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

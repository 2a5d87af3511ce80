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

The package: ``kinds`` (a kind, a run, the job system), ``running`` (submit, dispatch, claim,
execute) and ``upkeep`` (leases, lost workers and messages, periodic slots). It imports no Flask:
``integrity.jobs.wiring`` puts a job system into an app.
"""

from integrity.jobs.services.kinds import (
    EXTENSION,
    Host,
    Interrupted,
    JobKind,
    JobSystem,
    LeaseLost,
    Run,
    actor_of,
    log_job,
    system,
)
from integrity.jobs.services.running import (
    PENDING,
    Claimed,
    claim,
    dispatch,
    execute,
    release,
    submit,
)
from integrity.jobs.services.upkeep import (
    PRUNE,
    prune,
    prune_job,
    reap,
    renew,
    resend,
    schedule,
    send_due,
    slot_start,
    sweep,
)

__all__ = [
    "EXTENSION",
    "PENDING",
    "PRUNE",
    "Claimed",
    "Host",
    "Interrupted",
    "JobKind",
    "JobSystem",
    "LeaseLost",
    "Run",
    "actor_of",
    "claim",
    "dispatch",
    "execute",
    "log_job",
    "prune",
    "prune_job",
    "reap",
    "release",
    "renew",
    "resend",
    "schedule",
    "send_due",
    "slot_start",
    "submit",
    "sweep",
    "system",
]

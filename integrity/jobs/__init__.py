"""Background jobs: long work (an ingest of 2,000 pages, a batch of diplomas) outside requests.

Each area declares its kinds (``JobKind``) in its ``tasks`` module; ``create_app`` lists them. A
view or command submits a job in its unit of work, commits, then dispatches. See ``services`` for
leases, checkpoints and what happens when a worker stops or is lost, and ``worker`` for the
process that runs them. This package imports no area.
"""

from integrity.jobs.services import (
    PRUNE,
    Interrupted,
    JobKind,
    LeaseLost,
    Run,
    actor_of,
    dispatch,
    log_job,
    submit,
    system,
)
from integrity.jobs.wiring import init_app

__all__ = [
    "PRUNE",
    "Interrupted",
    "JobKind",
    "LeaseLost",
    "Run",
    "actor_of",
    "dispatch",
    "init_app",
    "log_job",
    "submit",
    "system",
]

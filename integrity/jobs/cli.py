from __future__ import annotations

import os

import click
from flask import current_app
from sqlalchemy import func, select

from integrity.extensions import db


@click.group("jobs")
def jobs() -> None:
    """Background jobs: the worker, and what the queue holds."""


@jobs.command("worker")
@click.option("--threads", "--workers", type=int, default=1, show_default=True,
              help="Jobs run at once by this worker.")  # fmt: skip
def worker_command(threads: int) -> None:
    """Run queued jobs until stopped (`integrity serve` starts one; run more on any machine)."""
    from integrity.jobs.worker import Worker

    parent = os.environ.get("INTEGRITY_PARENT_PID")
    worker = Worker(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        threads=threads,
        parent_pid=int(parent) if parent else None,
    )
    raise SystemExit(worker.run())


@jobs.command("status")
def status_command() -> None:
    """How many jobs are in each state, and the queue's length."""
    from integrity.jobs.models import Job
    from integrity.jobs.services import system

    rows = db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    counts = {state: count for state, count in rows}
    for state in ("queued", "running", "done", "failed"):
        click.echo(f"{state:<8} {counts.get(state, 0)}")
    click.echo(f"messages {system(current_app).transport.size()}")

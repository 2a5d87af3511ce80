"""The job table: the database's record of every background job, the one truth about its state.

The queue (SQLite or Redis, see ``transport``) only carries job ids to wake a worker; a lost or
repeated message costs nothing, since a worker runs a job only after claiming its row. Rows are
operational bookkeeping, not facts of the olympiad: what a job does is audited by the job itself
(an ingest writes ``scans.ingest``), while claims, leases and retries go to the structured log.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from integrity.db import Base, UTCDateTime, utcnow


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for a worker (again, after a retry, a stop or a lost worker)
    RUNNING = "running"  # claimed by ``owner`` while ``lease_until`` is in the future
    DONE = "done"
    FAILED = "failed"  # failed on its last try, or its worker was lost on the last try


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        Index("ix_job_state_not_before", "state", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    args: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # At most one job per key: a periodic job's slot ("jobs.prune@2026-12-07T14:00:00+00:00").
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=JobState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)

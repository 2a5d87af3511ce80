"""Background jobs in one process: claims, leases, checkpoints, stops, lost workers, periodic slots.

The same paths with real worker and server processes, killed and stopped, are in
``test_processes.py``.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import func, select, update

from integrity import jobs
from integrity.audit.models import AuditEvent
from integrity.db import utcnow
from integrity.extensions import db
from integrity.jobs import services
from integrity.jobs.models import Job, JobState
from integrity.jobs.transport import open_transport
from integrity.scans.models import ScanPage, Upload
from integrity.scans.services import ingest
from integrity.scans.tasks import INGEST
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import assert_ingested_exactly_once, redis_or_skip
from tests.factories import ingest_job, stored_upload

NOW = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pages_read_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # So that the tests' stand-ins for a dying reader are the ones called.
    monkeypatch.setattr(ingest.reading, "default_workers", lambda: 0)


def job_row(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def expire_lease(job_id: int) -> None:
    db.session.execute(
        update(Job).where(Job.id == job_id).values(lease_until=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()


@pytest.fixture
def queued(app: Flask, tmp_path: Path) -> Flask:
    """The app with jobs sent to a real SQLite queue instead of run in the request."""
    system = jobs.system(app)
    system.inline = False
    system.url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    system._transport = None
    return app


def test_a_job_is_claimed_by_one_worker_however_many_ask(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    job = ingest_job(session, stored_upload(session, round_world, tmp_path))
    lease = dt.timedelta(seconds=60)
    first = services.claim(job.id, "worker-a", lease)
    assert first is not None and first.attempt == 1 and first.kind == "scans.ingest_upload"
    assert services.claim(job.id, "worker-b", lease) is None
    row = job_row(job.id)
    assert (row.state, row.owner, row.attempts) == ("running", "worker-a", 1)


def test_a_job_whose_worker_was_lost_runs_again_after_its_lease_from_its_checkpoint(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    # Worker A claims the job, commits two checkpoints of three pages, and is never heard of again.
    monkeypatch.setattr(ingest.reading, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(ingest.reading, "CHECKPOINT_SECONDS", 3600.0)  # by count only, here
    claimed = services.claim(job.id, "worker-a", dt.timedelta(seconds=60))
    assert claimed is not None
    run = services.Run(job.id, "worker-a", 1, False, dt.timedelta(seconds=60))
    real = ingest.reader.read_page

    def killed(source: Any, index: int) -> Any:
        if index == 7:
            raise SystemExit("killed")  # nothing after the last checkpoint is committed
        return real(source, index)

    monkeypatch.setattr(ingest.reader, "read_page", killed)
    with pytest.raises(SystemExit):
        INGEST.run(claimed.args, run)
    db.session.rollback()
    monkeypatch.setattr(ingest.reader, "read_page", real)
    assert session.scalar(select(func.count()).select_from(ScanPage)) == 6
    assert services.reap(app) == []  # the lease still runs: nobody takes the job over
    expire_lease(job.id)
    assert services.reap(app) == [job.id]
    assert job_row(job.id).state == "queued"

    assert services.execute(app, job.id, owner="worker-b", stop=threading.Event()) == "done"
    row = job_row(job.id)
    assert (row.state, row.attempts, row.owner) == ("done", 2, None)
    assert_ingested_exactly_once(upload.id)


def test_a_worker_that_lost_its_lease_cannot_commit_a_checkpoint(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    lease = dt.timedelta(seconds=60)
    assert services.claim(job.id, "worker-a", lease) is not None
    frozen = services.Run(job.id, "worker-a", 1, False, lease)
    expire_lease(job.id)
    services.reap(app)
    assert services.claim(job.id, "worker-b", lease) is not None
    # Worker A wakes up and tries to record work: refused, and its change is rolled back.
    row = db.session.get(Upload, upload.id)
    assert row is not None
    row.error = "written by a worker that lost its lease"
    with pytest.raises(services.LeaseLost):
        frozen.checkpoint(db.session)
    db.session.expire_all()
    assert db.session.get(Upload, upload.id).error is None  # type: ignore[union-attr]
    assert job_row(job.id).owner == "worker-b"


def test_a_stop_commits_the_checkpoint_and_puts_the_job_back_without_counting_a_try(
    queued: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    monkeypatch.setattr(ingest.reading, "CHECKPOINT_EVERY", 4)
    stop = threading.Event()
    real = ingest.reader.read_page

    def asked_to_stop(source: Any, index: int) -> Any:
        if index == 2:
            stop.set()  # SIGTERM arrives while page 2 is read
        return real(source, index)

    monkeypatch.setattr(ingest.reader, "read_page", asked_to_stop)
    assert services.execute(queued, job.id, owner="worker-a", stop=stop) == "put back"
    row = job_row(job.id)
    assert (row.state, row.attempts, row.owner, row.lease_until) == ("queued", 0, None, None)
    assert (
        session.scalar(select(func.count()).select_from(ScanPage)) == 4
    )  # the checkpoint after page 3 was committed
    transport = jobs.system(queued).transport
    assert transport.receive(timeout=0) == job.id  # sent again for the next worker

    monkeypatch.setattr(ingest.reader, "read_page", real)
    assert services.execute(queued, job.id, owner="worker-b", stop=threading.Event()) == "done"
    assert job_row(job.id).attempts == 1
    assert_ingested_exactly_once(upload.id)


def test_a_job_lost_on_its_last_try_fails_where_its_users_see_it(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    for n in range(INGEST.attempts):
        assert services.claim(job.id, f"worker-{n}", dt.timedelta(seconds=60)) is not None
        expire_lease(job.id)
        services.reap(app)
    row = job_row(job.id)
    assert (row.state, row.attempts) == ("failed", 3)
    assert row.error is not None and row.error.startswith("worker lost: worker-2")
    assert db.session.get(Upload, upload.id).status == "failed"  # type: ignore[union-attr]
    last = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert last is not None and last.action == "scans.ingest_failed"
    assert services.claim(job.id, "worker-x", dt.timedelta(seconds=60)) is None


def test_a_failed_try_is_retried_later_and_the_last_one_is_recorded(
    queued: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)

    def broken(source: Any, index: int) -> Any:
        raise RuntimeError("the scanner's PDF is cursed")

    monkeypatch.setattr(ingest.reader, "read_page", broken)
    assert services.execute(queued, job.id, owner="w", stop=threading.Event()) == "retry"
    row = job_row(job.id)
    assert row.state == "queued" and row.not_before > utcnow() + dt.timedelta(seconds=3)
    assert services.claim(job.id, "w", dt.timedelta(seconds=60)) is None  # not before its time
    assert db.session.get(Upload, upload.id).status != "failed"  # type: ignore[union-attr]
    for _ in range(2):
        db.session.execute(update(Job).where(Job.id == job.id).values(not_before=utcnow()))
        db.session.commit()
        outcome = services.execute(queued, job.id, owner="w", stop=threading.Event())
    assert outcome == "failed"
    row = job_row(job.id)
    assert (row.state, row.attempts, row.error) == ("failed", 3, "the scanner's PDF is cursed")
    assert db.session.get(Upload, upload.id).status == "failed"  # type: ignore[union-attr]


def test_a_job_is_sent_only_once_its_unit_of_work_commits_and_a_lost_message_is_sent_again(
    queued: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    transport = jobs.system(queued).transport
    kinds = jobs.system(queued).kinds
    for name in [n for n, kind in kinds.items() if kind.every is not None]:
        kinds.pop(name)  # no periodic job in the way
    job = jobs.submit(
        session, INGEST, {"upload_id": upload.id, "actor_id": None, "actor_name": "t"}
    )
    assert transport.size() == 0
    session.commit()
    jobs.dispatch(session, queued)
    assert transport.receive(timeout=0) == job.id
    assert job_row(job.id).sent_at is not None

    # The process died between its commit and its send: a worker's sweep sends the job.
    lost = jobs.submit(
        session, INGEST, {"upload_id": upload.id, "actor_id": None, "actor_name": "t"}
    )
    session.commit()
    session.info.pop(services.PENDING)
    assert transport.size() == 0
    assert services.sweep(queued) == [lost.id]
    assert services.sweep(queued) == []  # sent once, not at every sweep
    assert transport.receive(timeout=0) == lost.id


def test_each_periodic_slot_runs_once_however_many_schedulers(app: Flask, session: Any) -> None:
    hourly = services.JobKind("test.hourly", lambda args, run: None, every=dt.timedelta(hours=1))
    jobs.system(app).kinds[hourly.name] = hourly
    periodic = sum(kind.every is not None for kind in jobs.system(app).kinds.values())
    assert len(services.schedule(app, NOW)) == periodic  # each kind's slot, once
    assert services.schedule(app, NOW) == []  # a second worker's scheduler, the same minute
    assert services.schedule(app, NOW + dt.timedelta(seconds=50)) == []
    later = services.schedule(app, NOW + dt.timedelta(hours=1))
    assert "test.hourly" in {db.session.get(Job, i).kind for i in later}  # type: ignore[union-attr]
    keys = session.execute(select(Job.key).where(Job.kind == "test.hourly")).scalars().all()
    assert sorted(keys) == [
        "test.hourly@2026-12-07T10:00:00+00:00",
        "test.hourly@2026-12-07T11:00:00+00:00",
    ]


def test_finished_jobs_are_pruned_after_thirty_days_and_others_kept(session: Any) -> None:
    old = utcnow() - dt.timedelta(days=31)
    for state in JobState:
        session.add(Job(kind="jobs.prune", args={}, state=state.value, finished_at=old))
    session.add(Job(kind="jobs.prune", args={}, state="done", finished_at=utcnow()))
    session.commit()
    assert services.prune(dt.timedelta(days=30)) == 2
    db.session.expire_all()
    left = sorted(session.execute(select(Job.state)).scalars().all())
    assert left == ["done", "queued", "running"]


def test_the_job_table_and_the_queue_show_in_jobs_status(queued: Flask, session: Any) -> None:
    session.add(Job(kind="jobs.prune", args={}, state="failed"))
    session.commit()
    result = queued.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "failed   1" in result.output and "messages 0" in result.output


def test_the_redis_queue_carries_job_ids_in_order() -> None:
    import redis

    url = redis_or_skip()
    redis.Redis.from_url(url).flushdb()
    transport = open_transport(url)
    assert transport.receive(timeout=0.1) is None
    transport.send(41)
    transport.send(42)
    assert [transport.receive(timeout=1), transport.receive(timeout=1)] == [41, 42]
    assert transport.size() == 0


def test_pages_read_ahead_of_a_stop_leave_no_encrypted_copy_behind(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    upload = stored_upload(session, round_world, tmp_path)
    root = Path(settings_of(app).data_dir) / "files"
    before = set(root.rglob("*.bin"))
    monkeypatch.setattr(ingest.reading, "CHECKPOINT_EVERY", 1)
    calls = []

    def stop_after_the_first_page() -> None:
        session.commit()
        calls.append(1)
        if len(calls) == 2:  # the first call comes before any page
            raise services.Interrupted("stopping")

    with pytest.raises(services.Interrupted):
        # Two worker processes read the twelve pages ahead, a few a task, while page 0 is stored.
        ingest.process_upload(
            session,
            upload.id,
            actor=f.ACTOR,
            checkpoint=stop_after_the_first_page,
            workers=2,
            settings=settings_of(current_app),
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ScanPage)) == 1
    named = {
        value
        for page in session.execute(select(ScanPage)).scalars()
        for value in (page.image_sha256, page.masked_sha256)
        if value
    }
    new = set(root.rglob("*.bin")) - before
    encrypted = {p.parent.name + p.stem for p in new if not p.read_bytes().startswith(b"\xff\xd8")}
    assert encrypted <= named  # only the stored page's sealed cover or queue copy, if it has one
    assert len(new) > 1  # the other pages' plain copies stay: the resumed job makes them again


def test_a_message_a_stopping_worker_took_goes_back_on_the_queue(
    queued: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    job = jobs.submit(
        session, INGEST, {"upload_id": upload.id, "actor_id": None, "actor_name": "t"}
    )
    session.commit()
    jobs.dispatch(session, queued)
    transport = jobs.system(queued).transport
    assert transport.receive(timeout=0) == job.id  # taken, and then the worker is told to stop
    services.resend(jobs.system(queued), job.id)
    assert transport.receive(timeout=0) == job.id


def test_a_refused_file_fails_its_job_on_the_first_try_since_every_retry_would_refuse_it(
    queued: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)

    def unreadable(source: Any, index: int) -> Any:
        raise ingest.reader.UnreadableFile("reader_failed", "a reader died")

    monkeypatch.setattr(ingest.reader, "read_page", unreadable)
    assert services.execute(queued, job.id, owner="w", stop=threading.Event()) == "failed"
    row = job_row(job.id)
    assert (row.state, row.attempts) == ("failed", 1)
    failed = db.session.get(Upload, upload.id)
    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and upload.filename in failed.error


@pytest.mark.parametrize("error", ["domain", "last try"])
def test_a_job_that_fails_for_good_records_it_once_through_its_kind(
    queued: Flask, session: Any, error: str
) -> None:
    from integrity.errors import InvalidInput
    from integrity.jobs import JobKind

    recorded: list[str] = []

    def fails(args: dict[str, Any], run: Any) -> None:
        raise InvalidInput("refused") if error == "domain" else RuntimeError("broken")

    kind = JobKind("test.fails", fails, attempts=1 if error == "last try" else 3,
                   give_up=lambda args, message: recorded.append(message))  # fmt: skip
    services.system(queued).kinds[kind.name] = kind
    job = services.submit(db.session, kind, {})
    db.session.commit()
    assert services.execute(queued, job.id, owner="w", stop=threading.Event()) == "failed"
    assert recorded == ["refused" if error == "domain" else "broken"]

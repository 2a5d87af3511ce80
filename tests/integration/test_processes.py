"""Real processes: `integrity serve` (gunicorn and a job worker) and `integrity jobs worker`,
stopped with SIGTERM or SIGINT and killed with SIGKILL while they serve and while a job runs.

Pages are made slow (a second each) inside the child processes by a ``sitecustomize`` module on
their PYTHONPATH, so that a stop or a kill lands in the middle of an ingest every time.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from integrity.db import Base
from integrity.extensions import db
from integrity.jobs.models import Job
from integrity.scans.models import ScanPage
from integrity.settings import settings_of
from tests.conftest import assert_ingested_exactly_once, redis_or_skip
from tests.factories import ingest_job, stored_upload

pytestmark = pytest.mark.processes

SLOW_PAGES = """
import time
from integrity.scans.domain import reader
from integrity.scans.services import ingest
from integrity.settings import settings_of

_read_page = reader.read_page

def _slow(source, index):
    time.sleep(1.0)
    return _read_page(source, index)

reader.read_page = _slow
ingest.reading.CHECKPOINT_EVERY = 2
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(
    app: Flask, tmp_path: Path, *, slow: bool, jobs_url: str | None = None
) -> dict[str, str]:
    """The test's own database, files and secret, for processes of a production instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    env.update(
        INTEGRITY_ENV="production",
        INTEGRITY_SECRET_KEY=app.config["SECRET_KEY"],
        INTEGRITY_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INTEGRITY_DATA_DIR=settings_of(app).data_dir,
        INTEGRITY_INSTANCE_PATH=str(tmp_path / "served"),
        INTEGRITY_JOBS_URL=jobs_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        INTEGRITY_JOBS_LEASE_SECONDS="3",
        INTEGRITY_LOG_LEVEL="INFO",
        HOME=str(tmp_path / "home"),
    )
    if slow:
        folder = tmp_path / "slow"
        folder.mkdir(exist_ok=True)
        (folder / "sitecustomize.py").write_text(SLOW_PAGES, encoding="utf-8")
        env["PYTHONPATH"] = str(folder)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "integrity", *args], env=env, stdout=out, stderr=out
        )


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child} | descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture
def served(
    app: Flask, tmp_path: Path
) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], int]]]:
    """Starts `integrity serve` on a free port; whatever is left is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def serve(
        *, slow: bool = False, workers: int = 1, jobs: bool = True, **settings: str
    ) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        env = {**environment(app, tmp_path, slow=slow), **settings}
        args = ["serve", "--port", str(port), "--workers", str(workers)]
        process = start(args if jobs else [*args, "--no-jobs"], env, tmp_path / "serve.log")
        started.append(process)
        wait_for(lambda: answers(port) or process.poll() is not None, 60, "the server")
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        return process, port

    yield serve
    for process in started:
        for pid in descendants(process.pid) | {process.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_server_stops_gunicorn_and_the_worker_within_15_seconds(
    served: Any, signum: int, tmp_path: Path
) -> None:
    process, port = served()
    family = descendants(process.pid)
    assert len(family) >= 3  # the gunicorn master, its worker, the job worker
    process.send_signal(signum)
    took = wait_for(
        lambda: process.poll() is not None and not any(alive(p) for p in family), 15, "the stop"
    )
    assert process.returncode == 0
    assert not answers(port)
    assert took < 15
    assert not (tmp_path / "home" / ".gunicorn").exists()  # no control socket shared via $HOME


def test_killing_the_server_leaves_nothing_serving(served: Any) -> None:
    process, port = served()
    family = descendants(process.pid)
    process.kill()
    wait_for(lambda: not any(alive(p) for p in family), 15, "the children to notice")
    assert not answers(port)


def committed_pages(upload_id: int) -> int:
    db.session.rollback()  # a new snapshot of what the processes committed
    return len(db.session.execute(select(ScanPage.id).where(ScanPage.upload_id == upload_id)).all())


def job_state(job_id: int) -> tuple[str, int]:
    db.session.rollback()
    job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one()
    db.session.refresh(job)
    return job.state, job.attempts


def unreferenced_files(data_dir: Path) -> set[str]:
    """Stored files that no row of any table names."""
    stored = {p.parent.name + p.stem for p in (data_dir / "files").rglob("*.bin")}
    named: set[str] = set()
    db.session.rollback()
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            for value in row:
                named.update(re.findall(r"[0-9a-f]{64}", str(value)))
    return stored - named


def test_a_job_running_when_the_server_stops_is_put_back_and_then_done_exactly_once(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path, served: Any
) -> None:
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    process, _port = served(slow=True)
    wait_for(lambda: committed_pages(upload.id) >= 2, 60, "the first checkpoint")
    process.send_signal(signal.SIGTERM)
    wait_for(lambda: process.poll() is not None, 15, "the stop")
    log = (tmp_path / "serve.log").read_text()
    assert "put back" in log, log
    state, attempts = job_state(job.id)
    assert (state, attempts) == ("queued", 0)  # back on the queue; the stop was not a try
    assert 2 <= committed_pages(upload.id) < 12
    data_dir = Path(settings_of(app).data_dir)
    # Pages read ahead of the stop may leave their plain copies: content-addressed, the resumed
    # job stores the same bytes under the same name. Their encrypted copies are gone.
    read_ahead = unreferenced_files(data_dir)

    worker = start(["jobs", "worker"], environment(app, tmp_path, slow=False), tmp_path / "w.log")
    try:
        wait_for(lambda: job_state(job.id)[0] == "done", 60, "the job to be done")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0
    assert job_state(job.id) == ("done", 1)
    assert_ingested_exactly_once(upload.id)
    assert unreferenced_files(data_dir) == set()  # every file stored once, and all in use
    assert len(read_ahead) <= 8


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_job_whose_worker_was_killed_is_done_by_another_from_its_checkpoint(
    app: Flask, session: Any, round_world: dict[str, Any], tmp_path: Path, queue: str
) -> None:
    jobs_url = None
    if queue == "redis":
        import redis

        jobs_url = redis_or_skip()
        redis.Redis.from_url(jobs_url).flushdb()
    upload = stored_upload(session, round_world, tmp_path)
    job = ingest_job(session, upload)
    slow = environment(app, tmp_path, slow=True, jobs_url=jobs_url)
    first = start(["jobs", "worker"], slow, tmp_path / "first.log")
    second = None
    try:
        wait_for(lambda: committed_pages(upload.id) >= 2, 60, "the first checkpoint")
        readers = descendants(first.pid)
        assert readers  # the pages are read in child processes
        first.kill()
        first.wait()
        # Its readers die with it, instead of lingering with the file and their memory.
        wait_for(lambda: not any(alive(p) for p in readers), 10, "the readers to die")
        kept = committed_pages(upload.id)
        assert job_state(job.id) == ("running", 1)  # nobody knows yet that the worker is gone

        fresh = environment(app, tmp_path, slow=False, jobs_url=jobs_url)
        second = start(["jobs", "worker"], fresh, tmp_path / "second.log")
        took = wait_for(lambda: job_state(job.id)[0] == "done", 60, "the job to be taken over")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(15)
    assert job_state(job.id) == ("done", 2)
    assert kept < 12 and took > 1  # it resumed after the lease (3 s) ran out
    assert_ingested_exactly_once(upload.id)
    assert "worker lost" in (tmp_path / "second.log").read_text()


def sign_in_attempts(port: int, username: str, count: int) -> list[int]:
    """``count`` wrong passwords for one account, sent four at a time; their HTTP statuses."""
    import http.cookiejar
    from concurrent.futures import ThreadPoolExecutor

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"http://127.0.0.1:{port}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token is not None
    body = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "username": username, "password": "wrong password"}
    ).encode()

    def attempt(_: int) -> int:
        try:
            with opener.open(f"http://127.0.0.1:{port}/login", data=body, timeout=30) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(attempt, range(count)))


@pytest.mark.parametrize("storage", ["default", "redis"])
def test_two_web_workers_hold_the_sign_in_limit_together(served: Any, storage: str) -> None:
    settings = {"INTEGRITY_LOGIN_RATE_LIMIT": "5 per minute",
                "INTEGRITY_ADDRESS_RATE_LIMIT": "100 per minute"}  # fmt: skip
    if storage == "redis":
        import redis

        url = redis_or_skip().rsplit("/", 1)[0] + "/14"
        redis.Redis.from_url(url).flushdb()
        settings["INTEGRITY_RATELIMIT_STORAGE_URL"] = url
    _process, port = served(workers=2, jobs=False, **settings)
    statuses = sign_in_attempts(port, "aigerim", 16)
    assert statuses.count(200) == 5 and statuses.count(429) == 11, statuses
    # Another account from the same address (a classmate in the same lab) is not locked out.
    assert sign_in_attempts(port, "dauren", 1) == [200]

"""Benchmark: simultaneous users against a real `integrity serve --workers 2` (issue 14, point 3).

Builds a throw-away instance with the demo, starts the real server on loopback, and runs
``--clients`` clients for ``--seconds`` seconds, each signing in as a juror, saving drafts of
its markings, submitting them, and filing appeals with pupils' access codes, all at once. Then it
stops the server and checks:

* answers 5xx (target 0);
* answers slower than 30 s, counted as lost (target 0);
* actions missing: every accepted sign-in, draft, submission and appeal must be in the database and
  in the audit chain (one event each), and the chain must verify (target 0).

    .venv/bin/python scripts/bench_concurrency.py [--clients 32] [--seconds 60]
        [--database-url postgresql+psycopg://…] [--participants 300]

Loopback only; the request loops stop by themselves at the deadline.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOST_AFTER = 30.0
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Marking:
    username: str
    assignment_id: int
    fields: dict[str, int]  # form field -> maximum, in half points


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    slow: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    submitted: set[int] = field(default_factory=set)
    claimed: set[int] = field(default_factory=set)  # a client is about to submit these
    appealed: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(
    instance: Path, database_url: str, participants: int
) -> tuple[list[Marking], list[str]]:
    """The demo, and what the clients will do: markings to save and submit, codes to appeal with."""
    from flask import current_app
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, select, text

    from integrity import create_app
    from integrity.accounts.models import User
    from integrity.demo.loader import load_demo
    from integrity.extensions import db
    from integrity.jury.models import Assignment
    from integrity.jury.services.marking import tasks_of
    from integrity.protocols.models import Appeal, Protocol, ProtocolState
    from integrity.protocols.services.appeals import find_work
    from integrity.registry.models import Juror, Round
    from integrity.scans.domain.codes import format_access_code
    from integrity.scans.models import Booklet
    from integrity.scans.services.kits import access_code_of
    from integrity.settings import settings_of

    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(settings(instance, database_url), instance_path=str(instance))
    with app.app_context():
        upgrade()
        load_demo(db.session, participants=participants)
        db.session.commit()
        markings = []
        rows = db.session.execute(
            select(User.username, Assignment)
            .join(Juror, Juror.user_id == User.id)
            .join(Assignment, Assignment.juror_id == Juror.id)
            .where(Assignment.submitted_at.is_(None))
        ).all()
        for username, assignment in rows:
            round_ = db.session.get(Round, assignment.work.round_id)
            assert round_ is not None
            fields = {
                f"t{task.id}c{criterion.number}": criterion.max_units
                for task in tasks_of(round_, assignment)
                for criterion in task.criteria
            }
            markings.append(Marking(username, assignment.id, fields))
        rounds = set(
            db.session.execute(
                select(Protocol.round_id).where(Protocol.state == ProtocolState.PUBLISHED)
            ).scalars()
        )
        appealed = set(db.session.execute(select(Appeal.work_id)).scalars())
        codes = []
        for booklet in db.session.execute(
            select(Booklet).where(Booklet.round_id.in_(rounds), Booklet.has_work.is_(True))
        ).scalars():
            code = access_code_of(booklet, settings=settings_of(current_app))
            if find_work(db.session, code, settings=settings_of(current_app)).id not in appealed:
                codes.append(format_access_code(code))
        db.engine.dispose()
    return markings, codes


def settings(instance: Path, database_url: str) -> dict[str, Any]:
    return {
        "ENV": "production",
        "SECRET_KEY": "bench-concurrency-" + "x" * 16,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        # The limits are not what is measured here: every client comes from 127.0.0.1.
        "LOGIN_RATE_LIMIT": "1000000 per minute",
        "ACCESS_CODE_RATE_LIMIT": "1000000 per minute",
        "ADDRESS_RATE_LIMIT": "1000000 per minute",
    }


def environment(instance: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    env.update({f"INTEGRITY_{k}": str(v) for k, v in settings(instance, database_url).items()})
    env["INTEGRITY_INSTANCE_PATH"] = str(instance)
    return env


class Client:
    def __init__(self, base: str, tally: Tally) -> None:
        self.base = base
        self.tally = tally
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, redirect target); a redirect is not followed."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        started = time.perf_counter()
        status, body, location = 0, "", ""
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=data),  # noqa: S310  (loopback)
                timeout=LOST_AFTER,
            ) as answer:
                status, body = answer.status, answer.read().decode("utf-8", "replace")
                location = answer.url
        except urllib.error.HTTPError as refused:
            status, body = refused.code, refused.read().decode("utf-8", "replace")
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            with self.tally.lock:
                self.tally.slow += isinstance(exc, TimeoutError) or "timed out" in str(exc)
                self.tally.errors[type(exc).__name__] += 1
            return 0, "", ""
        took = time.perf_counter() - started
        with self.tally.lock:
            self.tally.statuses[status] += 1
            self.tally.latencies.append(took)
            self.tally.slow += took > LOST_AFTER
        return status, body, location

    def token(self, path: str) -> str | None:
        status, body, _ = self.call(path)
        found = TOKEN.search(body) if status == 200 else None
        return found.group(1) if found else None

    def sign_in(self, username: str) -> bool:
        token = self.token("/login")
        if token is None:
            return False
        form = {"csrf_token": token, "username": username, "password": "integrity-demo"}
        status, _, location = self.call("/login", form)
        ok = status == 200 and "/login" not in location  # followed to the home page
        if ok:
            with self.tally.lock:
                self.tally.accepted["sign-in"] += 1
        return ok

    def mark(self, marking: Marking, submit: bool) -> bool:
        token = self.token(f"/jury/works/{marking.assignment_id}")
        if token is None:
            return False
        form = {"csrf_token": token, "action": "submit" if submit else "save"}
        for name, most in marking.fields.items():
            half_points = random.randint(0, most)
            form[name] = f"{half_points // 2}" + (".5" if half_points % 2 else "")
        status, body, _ = self.call(f"/jury/works/{marking.assignment_id}", form)
        accepted = status == 200 and "flash-success" in body
        if accepted:
            with self.tally.lock:
                self.tally.accepted["submission" if submit else "draft"] += 1
        return accepted

    def appeal(self, code: str) -> None:
        token = self.token("/appeal/")
        if token is None:
            return
        status, _, location = self.call("/appeal/", {"csrf_token": token, "code": code})
        if status != 200 or not location.endswith("/appeal/work"):
            return
        token = self.token("/appeal/work")
        if token is None:
            return
        form = {"csrf_token": token, "filed_as": "participant", "reason": "Please re-read task 2."}
        status, body, _ = self.call("/appeal/work", form)
        if status == 200 and "flash-success" in body:
            with self.tally.lock:
                self.tally.accepted["appeal"] += 1
                self.tally.appealed.add(code)


def run_client(base: str, deadline: float, work: list[Marking], codes: list[str],
               pool_lock: threading.Lock, tally: Tally, seed: int) -> None:  # fmt: skip
    """Until the deadline: sign in as a juror with a marking, save drafts of it one to three times,
    sometimes submit it (each marking once); now and then file an appeal with an unused code.
    Several clients may hold the same marking at once, as a juror's two tabs would."""
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        with pool_lock:
            code = codes.pop() if codes and rng.random() < 0.3 else None
            marking = rng.choice(work)
            submit = marking.assignment_id not in tally.claimed and rng.random() < 0.3
            if submit:
                tally.claimed.add(marking.assignment_id)
        if code is not None:
            Client(base, tally).appeal(code)
        client = Client(base, tally)
        if not client.sign_in(marking.username):
            continue
        for _ in range(rng.randint(1, 3)):
            if time.monotonic() >= deadline:
                return
            client.mark(marking, submit=False)
        if submit and client.mark(marking, submit=True):
            with pool_lock:
                tally.submitted.add(marking.assignment_id)


def check(database_url: str, instance: Path, tally: Tally) -> list[str]:
    """What the server said it did, against what the database and the audit chain hold."""
    from flask import current_app
    from sqlalchemy import func, select

    from integrity import create_app
    from integrity.audit.models import AuditEvent
    from integrity.audit.services import verify
    from integrity.extensions import db
    from integrity.jury.models import Assignment
    from integrity.protocols.models import Appeal
    from integrity.protocols.services.appeals import find_work
    from integrity.settings import settings_of

    missing = []
    app = create_app(settings(instance, database_url), instance_path=str(instance))
    with app.app_context():
        events = dict(
            db.session.execute(
                select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
            ).all()
        )
        for action, what in (("accounts.login", "sign-in"), ("jury.marks_saved", "draft"),
                             ("jury.marks_submitted", "submission"), ("appeals.filed", "appeal")):  # fmt: skip
            if events.get(action, 0) < tally.accepted[what]:
                missing.append(
                    f"{what}: {tally.accepted[what]} accepted, {events.get(action, 0)} events"
                )
        for assignment_id in tally.submitted:
            if db.session.get(Assignment, assignment_id).submitted_at is None:  # type: ignore[union-attr]
                missing.append(f"submission of assignment {assignment_id} not stored")
        for code in tally.appealed:
            work = find_work(db.session, code, settings=settings_of(current_app))
            if db.session.execute(select(Appeal).where(Appeal.work_id == work.id)).first() is None:
                missing.append(f"appeal with code {code} not stored")
        report = verify(db.session)
        if not report.ok:
            missing.append(f"audit chain broken at {report.first_broken}: {report.reason}")
        db.engine.dispose()
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--participants", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as folder:
        instance = Path(folder)
        database_url = args.database_url or f"sqlite:///{instance / 'bench.sqlite3'}"
        started = time.perf_counter()
        markings, codes = prepare(instance, database_url, args.participants)
        print(f"demo ready in {time.perf_counter() - started:.0f} s: {len(markings)} markings open, "
              f"{len(codes)} access codes")  # fmt: skip
        port = free_port()
        log = (instance / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "integrity", "serve", "--port", str(port), "--workers", "2",
             "--no-jobs"],
            env=environment(instance, database_url), stdout=log, stderr=log,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/health", timeout=2).close()  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.1)
            tally, pool_lock = Tally(), threading.Lock()
            random.Random(secrets.randbits(32)).shuffle(markings)
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=run_client, args=(base, deadline, markings, codes, pool_lock, tally, n)
                )
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            log.close()
        missing = check(database_url, instance, tally)
        server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
        latencies = sorted(tally.latencies) or [0.0]
        print(f"\n{args.clients} clients for {args.seconds:.0f} s on "
              f"{'PostgreSQL' if database_url.startswith('postgresql') else 'SQLite'}")  # fmt: skip
        print(f"requests {sum(tally.statuses.values())}, statuses {dict(sorted(tally.statuses.items()))}, "
              f"p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms")  # fmt: skip
        print(f"accepted {dict(tally.accepted)}; connection errors {dict(tally.errors)}")
        for line in missing:
            print("  missing:", line)
        rows = [("5xx answers", server_errors), ("lost (> 30 s)", tally.slow),
                ("actions missing", len(missing))]  # fmt: skip
        print(f"\n{'measure':<18}{'value':>8}  target")
        for label, value in rows:
            print(f"{label:<18}{value:>8}  0 {'PASS' if value == 0 else 'FAIL'}")
        if server_errors:
            print("\nserver log (errors):")
            lines = (instance / "serve.log").read_text().splitlines()
            print("\n".join([line for line in lines if '"level": "error"' in line][:5]))
        return 0 if all(value == 0 for _, value in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the public diploma verification page under load, against the app's own health endpoint.

Builds a throw-away instance (SQLite) with ``--documents`` issued diplomas, starts gunicorn with
2 workers on loopback, and drives it with ``--connections`` concurrent connections from an
asyncio client for ``--seconds`` per phase: health, verification links, health again. Targets:
verification throughput at least 0.6 of the health endpoint's (measured in the same run, against
the mean of the two health phases) and a 99th-percentile latency under 100 ms. Prints PASS or
FAIL; exits 1 on FAIL.

    .venv/bin/python scripts/bench_verify.py [--documents 500] [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def prepare(instance: Path, documents: int) -> list[str]:
    """Issue the documents; return their verification paths."""
    from flask_migrate import upgrade

    from integrity import create_app
    from integrity.audit.domain.chain import Actor
    from integrity.diplomas import services
    from integrity.diplomas.domain import DocType, to_code
    from integrity.extensions import db
    from integrity.registry.domain.kinds import EventKind, Stage
    from integrity.registry.services import catalogue
    from integrity.settings import settings_of

    app = create_app(settings(instance), instance_path=str(instance))
    actor = Actor(None, "bench")
    with app.app_context():
        upgrade()
        event = catalogue.create_event(
            db.session, actor=actor, title_kk="Облыстық олимпиада", title_ru="Областная олимпиада",
            title_en=None, kind=EventKind.SUBJECT_OLYMPIAD, stage=Stage.REGIONAL,
            academic_year="2026-2027",
        )  # fmt: skip
        drafts = [
            services.Draft(
                doc_type=DocType(1 + n % 3),
                event_id=event.id,
                subject="Математика",
                surname=f"Сәрсенбаева{n}",
                name=f"Сәрсенбаева{n} Әйгерім Қайратқызы",
                grade=9,
                school=f"№{n % 40} мектеп-гимназия",
                language="kk",
            )
            for n in range(documents)
        ]
        made = services.issue(db.session, actor=actor, settings=settings_of(app), drafts=drafts)
        db.session.commit()
        return ["/v/" + to_code(d.payload) for d in made]


def settings(instance: Path) -> dict[str, str]:
    return {
        "ENV": "production",
        "SECRET_KEY": "bench-verify-secret-key",
        "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
        "DIPLOMA_KEY_PASSPHRASE": "bench passphrase",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fetch(port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return int(data[9:12])


async def phase(
    port: int, paths: list[str], seconds: float, connections: int
) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        n = offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status = await fetch(port, paths[n % len(paths)])
            except OSError:
                status = 0
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors += 1
            n += connections

    began = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    del began
    return len(latencies), latencies, errors


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server's processes (gunicorn's master and workers): less
    sensitive than throughput to the client sharing the two cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pids.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


def summary(
    name: str, count: int, latencies: list[float], errors: int, seconds: float, cpu: float
) -> float:
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[int(len(ordered) * 0.99)] * 1000
    rate = count / seconds
    per = cpu / max(count, 1) * 1e6
    print(
        f"{name:<8} {rate:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {errors}"
        f"   server CPU {per:5.0f} µs/request"
    )
    return p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        instance = Path(folder)
        paths = prepare(instance, args.documents)
        port = free_port()
        env = {**os.environ, "INTEGRITY_INSTANCE_PATH": str(instance)}
        env |= {f"INTEGRITY_{k}": v for k, v in settings(instance).items()}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--backlog", "2048",
             "integrity.wsgi:app"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            check = asyncio.run(fetch(port, paths[0]))
            if check != 200:
                print(f"the verification page answered {check}")
                return 1
            asyncio.run(phase(port, ["/health", *paths[:50]], 2, args.connections))  # warm up
            print(f"{args.connections} connections, {args.seconds:.0f} s a phase, 2 workers, "
                  f"{os.cpu_count()} CPUs (client and server share them)")  # fmt: skip
            results = {}
            for name, targets in (
                ("health", ["/health"]),
                ("verify", paths),
                ("health2", ["/health"]),
            ):
                before = server_cpu(server.pid)
                count, latencies, errors = asyncio.run(
                    phase(port, targets, args.seconds, args.connections)
                )
                cpu = server_cpu(server.pid) - before
                p99 = summary(name, count, latencies, errors, args.seconds, cpu)
                results[name] = (count / args.seconds, p99, errors)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    health = (results["health"][0] + results["health2"][0]) / 2
    verify, p99, errors = results["verify"]
    ratio = verify / health
    ok = ratio >= 0.6 and p99 < 100 and errors == 0
    print(
        f"ratio verify/health {ratio:.2f} (target ≥ 0.60); verify p99 {p99:.1f} ms (target < 100)"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

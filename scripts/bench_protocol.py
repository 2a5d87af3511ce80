"""Benchmark: a protocol of 5,000 entries ranks, freezes and exports to PDF (target under 5 s).

Builds a throw-away SQLite instance with one round, two tasks and ``--works`` reconciled works of
one grade (written straight into the tables: marking is not what is measured), then times, in one
run: building the ciphered protocol (ranking and awards), freezing it (canonical JSON, hash, chain
head, audit event), and rendering the Kazakh PDF. Prints PASS or FAIL; exits 1 on FAIL.

    .venv/bin/python scripts/bench_protocol.py [--works 5000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--works", type=int, default=5000)
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from integrity import create_app
    from integrity.audit.domain.chain import Actor
    from integrity.db import utcnow
    from integrity.extensions import db
    from integrity.jury.models import ScoreStatus, TaskScore
    from integrity.protocols import services
    from integrity.registry.domain.kinds import EventKind, Stage
    from integrity.registry.services import catalogue
    from integrity.scans.models import ScanRound, Work

    actor = Actor(None, "bench")
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="bench-protocol-") as folder:
        instance = Path(folder)
        config = {"ENV": "testing", "SECRET_KEY": "bench-protocol", "LOG_LEVEL": "WARNING",
                  "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}"}  # fmt: skip
        app = create_app(config, instance_path=str(instance))
        with app.app_context():
            upgrade()
            event = catalogue.create_event(
                db.session, actor=actor, title_kk="Облыстық олимпиада", title_ru="Областная олимпиада",
                title_en=None, kind=EventKind.SUBJECT_OLYMPIAD, stage=Stage.REGIONAL,
                academic_year="2026-2027",
            )  # fmt: skip
            subject = catalogue.add_subject(
                db.session, actor=actor, event=event, code="MATH", name_kk="Математика",
                name_ru="Математика", name_en=None, grade_min=9, grade_max=11,
            )  # fmt: skip
            round_ = catalogue.add_round(db.session, actor=actor, subject=subject)
            tasks = [
                catalogue.add_task(
                    db.session,
                    actor=actor,
                    round_=round_,
                    title_kk=f"{n}-есеп",
                    title_ru=f"Задача {n}",
                    max_units=20,
                )
                for n in (1, 2)
            ]
            db.session.add(ScanRound(round_id=round_.id, frozen_at=utcnow()))
            db.session.flush()
            db.session.execute(
                insert(Work),
                [{"round_id": round_.id, "cipher": f"{n:06d}", "expected_pages": 4, "grade": 10}
                 for n in range(args.works)],
            )  # fmt: skip
            ids = [w.id for w in db.session.query(Work).all()]
            db.session.execute(
                insert(TaskScore),
                [{"work_id": w, "task_id": t.id, "status": ScoreStatus.AGREED,
                  "sixtieths": rng.randint(0, 40) * 15, "updated_at": utcnow()}
                 for w in ids for t in tasks],
            )  # fmt: skip
            db.session.commit()

            started = time.perf_counter()
            (protocol,) = services.protocols_of(db.session, round_)
            content = services.build_ciphered(db.session, protocol)
            ranked_s = time.perf_counter() - started
            version = services.freeze(db.session, actor=actor, protocol=protocol)
            db.session.commit()
            frozen_s = time.perf_counter() - started
            pdf = services.document(version, "pdf", "kk")
            total_s = time.perf_counter() - started
            rows = len(content["rows"])

    rows_out = [
        ("works", f"{rows}", None),
        ("ranked s", f"{ranked_s:.2f}", None),
        ("ranked + frozen s", f"{frozen_s:.2f}", None),
        ("+ PDF s", f"{total_s:.2f}", total_s < 5),
        ("PDF kB", f"{len(pdf) / 1024:.0f}", None),
    ]
    print(f"{'measure':<20}{'value':>10}  target")
    for label, value, ok in rows_out:
        print(f"{label:<20}{value:>10}  {'' if ok is None else 'PASS' if ok else 'FAIL'}")
    return 0 if all(ok is not False for _, _, ok in rows_out) else 1


if __name__ == "__main__":
    sys.exit(main())

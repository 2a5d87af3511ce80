"""Benchmark: participant lists and search with 5,000 participants.

Builds a throw-away SQLite instance (migrations, then a generated event of 5,000 participants
imported through the real CSV importer), then times the list pages through the WSGI app: the
first page, a deep page, search by name, by IIN prefix and by school, an event's entries, and the
CSV export. Prints the median and worst of several runs and fails (exit 1) when a median exceeds
the target.

    .venv/bin/python scripts/bench_registry.py [--participants 5000] [--runs 15] [--target-ms 150]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--target-ms", type=float, default=150.0)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from integrity import create_app
    from integrity.accounts.domain import Role
    from integrity.accounts.services import create_user
    from integrity.audit.domain.chain import Actor
    from integrity.demo import loader
    from integrity.extensions import db
    from integrity.registry.models import Event, Participant

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app(
            {
                "ENV": "testing",
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
                "LOG_LEVEL": "WARNING",
                "WTF_CSRF_ENABLED": False,
            },
            instance_path=str(instance),
        )
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            loader.load_demo(db.session, participants=args.participants, scans=False)
            db.session.commit()
            load_s = time.perf_counter() - started
            user = create_user(
                db.session,
                actor=Actor(None, "bench"),
                username="bench",
                display_name="Bench",
                password="bench-password",
                roles=[Role.ORGANISER],
            )
            db.session.commit()
            event_id = db.session.query(Event.id).scalar()
            sample = db.session.query(Participant).order_by(Participant.id.desc()).first()
            assert sample is not None
            count = db.session.query(Participant).count()
            user_id = user.id
            iin_prefix, surname, school_word = sample.iin[:6], sample.surname, "лицей"
            db.session.remove()

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
        pages = {
            "list, first page": "/registry/participants",
            "list, page 60": "/registry/participants?page=60",
            "search by name": f"/registry/participants?q={surname}",
            "search by IIN prefix": f"/registry/participants?q={iin_prefix}",
            "search by school": f"/registry/participants?q={school_word}",
            "event entries, page 40": f"/registry/events/{event_id}/participants?page=40",
            "export CSV (all)": f"/registry/events/{event_id}/participants.csv",
        }
        print(
            f"{count} participants loaded in {load_s:.1f} s; {args.runs} runs a page; target median {args.target_ms:.0f} ms"
        )
        print(f"{'page':<26}{'median ms':>11}{'worst ms':>10}")
        failed = False
        for label, url in pages.items():
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    print(f"{label}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
            median = statistics.median(timings)
            target = args.target_ms * (4 if label.startswith("export") else 1)
            mark = "" if median <= target else f"  OVER {target:.0f}"
            failed |= median > target
            print(f"{label:<26}{median:>11.1f}{max(timings):>10.1f}{mark}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: signing and rendering diplomas into PDF (target at least 100 diplomas a second).

Builds a throw-away SQLite instance and times, in one run: issuing ``--documents`` diplomas
(serials, status indices, Ed25519 signatures, rows and the audit event: `services.issue`), then
rendering them as a batch does (one PDF per school of 25, QR codes as vectors, packed into a ZIP).
Prints PASS or FAIL; exits 1 on FAIL.

    .venv/bin/python scripts/bench_diplomas.py [--documents 1000]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from integrity import create_app
    from integrity.audit.domain.chain import Actor
    from integrity.diplomas import services
    from integrity.diplomas.domain import DocType, documents
    from integrity.diplomas.services import keys
    from integrity.diplomas.services.rendering import printable
    from integrity.extensions import db
    from integrity.registry.domain.kinds import EventKind, Stage
    from integrity.registry.services import catalogue
    from integrity.settings import settings_of

    actor = Actor(None, "bench")
    with tempfile.TemporaryDirectory(prefix="bench-diplomas-") as folder:
        instance = Path(folder)
        config = {"ENV": "production", "SECRET_KEY": "bench-diplomas-secret", "LOG_LEVEL": "WARNING",
                  "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}",
                  "PUBLIC_HOST": "diplom.example.kz"}  # fmt: skip
        app = create_app(config, instance_path=str(instance))
        with app.app_context():
            upgrade()
            event = catalogue.create_event(
                db.session, actor=actor, title_kk="Мектеп оқушыларына арналған облыстық пән олимпиадасы",
                title_ru="Областная предметная олимпиада школьников", title_en=None,
                kind=EventKind.SUBJECT_OLYMPIAD, stage=Stage.REGIONAL, academic_year="2026-2027",
            )  # fmt: skip
            # The key exists, as it would after the first batch.
            keys.signer(db.session, actor=actor, settings=settings_of(app))
            db.session.commit()
            drafts = [
                services.Draft(
                    doc_type=DocType(1 + n % 4),
                    event_id=event.id,
                    subject="Математика",
                    surname=f"Әбілқасымова{n}",
                    name=f"Әбілқасымова{n}-Смағұлова Аружан Ғалымжанқызы",
                    grade=9 + n % 3,
                    school=f"Тараз қаласының №{n // 25} мектеп-гимназиясы",
                    language="kk",
                )
                for n in range(args.documents)
            ]
            started = time.perf_counter()
            made = services.issue(db.session, actor=actor, settings=settings_of(app), drafts=drafts)
            db.session.commit()
            signed = time.perf_counter()
            schools = defaultdict(list)
            for doc in made:
                schools[doc.school].append(doc)
            archive = io.BytesIO()
            pages = 0
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                for n, group in enumerate(schools.values()):
                    pdf = documents.render([printable(d, event, settings_of(app)) for d in group])
                    zf.writestr(f"school-{n}.pdf", pdf)
                    pages += len(group)
            done = time.perf_counter()
    issue_s, render_s, total = signed - started, done - signed, done - started
    rate = args.documents / total
    print(
        f"{args.documents} diplomas in {len(schools)} school PDFs ({archive.tell() / 1e6:.1f} MB ZIP)"
    )
    print(f"issue (serials, signatures, rows): {issue_s:.2f} s   render: {render_s:.2f} s")
    print(f"{rate:.0f} diplomas/s signed and rendered (target ≥ 100)")
    print("PASS" if rate >= 100 else "FAIL")
    return 0 if rate >= 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())

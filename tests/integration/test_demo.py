from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.audit.services import verify
from integrity.registry.domain.iin import is_valid_iin
from integrity.registry.models import (
    District,
    Juror,
    JurorDeclaration,
    JurorRelation,
    Participant,
    School,
    Subject,
    TaskCriterion,
)
from integrity.settings import settings_of

ROOT = Path(__file__).resolve().parents[2]


def count(session: Any, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_loads_a_realistic_olympiad_and_rebuilds_on_reset(
    app: Flask, session: Any
) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--no-scans"])
    assert result.exit_code == 0, result.output
    assert count(session, Subject) >= 6
    assert count(session, District) == 10
    assert count(session, School) == 40
    assert count(session, Participant) == 600
    assert count(session, Juror) == 30
    assert count(session, JurorRelation) >= 3
    assert 0 < count(session, JurorDeclaration) < 30
    assert all(is_valid_iin(iin) for iin in session.scalars(select(Participant.iin)))
    roles = {r for u in session.scalars(select(User)) for r in u.roles}
    assert roles == set(Role)
    for username in ("admin", "organiser", "itspec", "chair", "director", "observer", "juror01"):
        assert username in result.output
    assert verify(session).ok
    wordings = session.execute(
        select(TaskCriterion.description_kk, TaskCriterion.description_ru)
    ).all()
    assert wordings and all(kk and ru for kk, ru in wordings)  # each scheme in both languages
    assert sum(kk != ru for kk, ru in wordings) > len(wordings) // 2

    again = runner.invoke(args=["demo", "--no-scans"])
    assert again.exit_code == 1
    assert "--reset" in again.output
    assert runner.invoke(args=["demo", "--if-empty", "--no-scans"]).exit_code == 0

    session.remove()
    reset = runner.invoke(args=["demo", "--reset", "--yes", "--no-scans"])
    assert reset.exit_code == 0, reset.output
    assert count(session, Participant) == 600
    assert verify(session).ok


def test_the_demo_freezes_two_rounds_draws_and_marks_one_and_offers_scans_for_a_third(
    app: Flask, session: Any, tmp_path: Path, demo: None
) -> None:

    from integrity.registry.models import Event
    from integrity.scans.models import ScanRound, Work
    from integrity.scans.services.queue import queue
    from integrity.scans.wiring import demo_scans_path

    event = session.execute(select(Event)).scalar_one()  # the demo (loaded with 60 participants)
    states = session.execute(select(ScanRound)).scalars().all()
    frozen = [s for s in states if s.frozen_at is not None]
    assert len(frozen) == 4 and all(s.ledger_hash for s in frozen)
    waiting = [s for s in states if s.frozen_at is None]
    assert len(waiting) == 1
    assert demo_scans_path(current_app, waiting[0].round_id).stat().st_size > 10_000
    assert all(
        session.scalar(select(func.count()).select_from(Work).where(Work.round_id == s.round_id))
        for s in frozen
    )
    assert queue(session, waiting[0].round) == []  # nothing uploaded for it yet
    assert event.id

    # The jury step: one frozen round drawn and being marked, the other ready for a draw.
    from integrity.jury.models import Assignment, Draw, DrawState, ScoreStatus, TaskScore

    draws = session.execute(select(Draw)).scalars().all()
    assert len(draws) == 3 and all(d.state is DrawState.REVEALED for d in draws)
    draw = min(draws, key=lambda d: d.id)  # the round being marked
    assert len({s.round_id for s in frozen} - {d.round_id for d in draws}) == 1  # for the chair
    in_draw = select(func.count()).select_from(Assignment).where(Assignment.draw_id == draw.id)
    submitted = session.scalar(in_draw.where(Assignment.submitted_at.isnot(None)))
    assert 0 < submitted < session.scalar(in_draw)
    statuses = [s.status for s in session.execute(select(TaskScore)).scalars()]
    assert statuses.count(ScoreStatus.AWAITING_THIRD) == 1
    from integrity.jury.services.draws import published_record

    record = tmp_path / "draw.json"
    record.write_text(json.dumps(published_record(draw, with_manifest=True)))
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "scripts" / "verify_draw.py"), str(record)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"assignment sha256: {draw.assignment_sha256}" in done.stdout
    from integrity.demo.loader import demo_access_code, marking_juror

    assert marking_juror(session) is not None

    # Results: a named final protocol published; ciphered ones in their appeal window, one appeal.
    from integrity.protocols.models import Appeal, Protocol, ProtocolState
    from integrity.protocols.services.appeals import find_work

    states_ = {p.state for p in session.execute(select(Protocol)).scalars()}
    assert {ProtocolState.FINAL_PUBLISHED, ProtocolState.PUBLISHED} <= states_
    (appeal,) = session.execute(select(Appeal)).scalars().all()
    assert appeal.decided_at is None
    code = demo_access_code(session)
    assert (
        code is not None
        and find_work(session, code, settings=settings_of(current_app)).id != appeal.work_id
    )

    # Diplomas: the final round's awards issued by a maker and a checker, one annulled, and the
    # batches rendered once the demo is committed.
    from integrity.audit.domain import Actor
    from integrity.demo.protocols import demo_diploma_path, render_demo_batches
    from integrity.diplomas.models import Batch, BatchState, Diploma, DocumentStatus
    from integrity.diplomas.services import verifying

    docs = session.execute(select(Diploma)).scalars().all()
    assert docs and [d.status for d in docs].count(DocumentStatus.ANNULLED) == 1
    batches = session.execute(select(Batch)).scalars().all()
    assert all(b.requested_by_id != b.decided_by_id for b in batches)
    render_demo_batches(Actor(None, "demo"))
    assert all(
        b.state is BatchState.DONE and b.archive for b in session.execute(select(Batch)).scalars()
    )
    path = demo_diploma_path(session)
    assert path is not None
    zone = settings_of(app).zone
    assert verifying.check_link(session, path, zone)[0].verdict.value == "genuine"
    printed = app.test_cli_runner().invoke(
        args=["demo", "--if-empty", "--address", "http://demo.test:8123/"]
    )
    assert printed.exit_code == 0, printed.output
    assert f"http://demo.test:8123{path} " in printed.output  # a whole link, ready to open


def test_the_demos_kit_covers_are_dated_and_its_protocols_signed_in_kk_and_ru(
    app: Flask, session: Any, demo: None
) -> None:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    from integrity.protocols import services as protocols
    from integrity.protocols.models import ProtocolVersion
    from integrity.registry.domain.dates import official_date
    from integrity.registry.models import Round
    from integrity.scans.models import PrintRun
    from integrity.scans.services.kits import print_run_pdf

    def text(pdf: bytes, pages: int | None = None) -> str:
        doc = pdfium.PdfDocument(pdf)
        found = (doc[i].get_textpage().get_text_range() for i in range(pages or len(doc)))
        return " ".join(" ".join(found).split())

    runs = session.execute(select(PrintRun)).scalars().all()
    assert runs
    for run in runs:
        day = session.get(Round, run.round_id).held_on
        cover = text(print_run_pdf(run, settings_of(current_app)), pages=1)
        assert f"Күні / Дата: {official_date(day, 'kk')} / {official_date(day, 'ru')}" in cover

    versions = session.execute(select(ProtocolVersion)).scalars().all()
    assert versions
    for version in versions:
        signing = json.loads(version.content)["signing"]
        round_ = version.protocol.round
        assert signing["date"] == round_.held_on.isoformat() and len(signing["members"]) >= 2
        for lang in ("kk", "ru"):
            printed = text(protocols.document(version, "pdf", lang))
            assert official_date(round_.held_on, lang) in printed and signing["place"] in printed
            assert all(
                f"____ {name}" in printed for name in [signing["chair"], *signing["members"]]
            )

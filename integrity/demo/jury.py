"""The demo's jury step: conflicts decided, a completed draw with marks in progress (one task
awaiting a third marker), and a round whose scans are frozen, ready for the chair to draw by hand."""

from __future__ import annotations

import io
import random

from flask import current_app
from sqlalchemy import select

from integrity.audit.domain import Actor
from integrity.db import AnySession
from integrity.jury.domain.conflicts import Reason
from integrity.jury.models import Assignment, AssignmentRole, Draw
from integrity.jury.services import conflicts, draws, marking
from integrity.jury.services.conflicts import FREEZE_STEP
from integrity.registry.models import Juror, Round
from integrity.scans.models import Work
from integrity.scans.services import ingest, kits, queue
from integrity.settings import settings_of

CONTRIBUTIONS = (
    ("Тәуелсіз бақылаушы", "6 2 5"),
    ("Ата-аналар комитетінің өкілі", "3 3 1"),
)


def settle_conflicts(session: AnySession, *, round_: Round, chair: Actor) -> None:
    """The chair's decisions on the round's potential conflicts: a relation declared by name is
    confirmed; a shared surname or a resembling supervisor's name, checked, is dismissed."""
    for row in conflicts.check_round(session, round_).undecided:
        by_name = Reason.RELATION_BY_NAME in row.conflict.reasons
        conflicts.decide(
            session,
            actor=chair,
            round_=round_,
            juror_id=row.juror.id,
            entry_id=row.entry.id,
            confirmed=by_name,
            reason="Туыстығын өзі жазған" if by_name else "Тексерілді: туыс емес",
        )


def freeze_clean(session: AnySession, *, round_: Round, it: Actor) -> None:
    """Print the round's kits and read the kit PDF back as if scanned, then freeze: quick, and all
    a round ready for its draw needs."""
    _, pdf = kits.print_kits(session, actor=it, round_=round_, settings=settings_of(current_app))
    upload, _ = ingest.create_upload(
        session,
        actor=it,
        round_=round_,
        stream=io.BytesIO(pdf),
        filename="mfp-0002.pdf",
        settings=settings_of(current_app),
    )
    ingest.process_upload(session, upload.id, actor=it, settings=settings_of(current_app))
    queue.freeze_round(
        session, actor=it, round_=round_, steps=(FREEZE_STEP,), settings=settings_of(current_app)
    )


def run_draw(session: AnySession, *, round_: Round, chair: Actor) -> Draw:
    draw = draws.freeze(session, actor=chair, round_=round_)
    draws.commit(session, actor=chair, draw=draw, settings=settings_of(current_app))
    for who, value in CONTRIBUTIONS:
        draws.contribute(session, actor=chair, draw=draw, contributor=who, value=value)
    return draws.reveal(session, actor=chair, draw=draw, settings=settings_of(current_app))


def mark_some(session: AnySession, *, round_: Round, rng: random.Random) -> None:
    """About half the markings submitted and a few drafts; the first work's markers disagree on
    its first task, so a third marker is drawn and awaits."""
    works = list(
        session.execute(select(Work).where(Work.round_id == round_.id).order_by(Work.cipher))
    .scalars())  # fmt: skip
    tasks = sorted(round_.tasks, key=lambda t: t.number)
    for n, work in enumerate(works):
        markers = list(
            session.execute(
                select(Assignment)
                .where(Assignment.work_id == work.id, Assignment.role == AssignmentRole.MARKER)
                .order_by(Assignment.position)
            ).scalars()
        )
        if n % 2 and n != 0:
            continue  # not started
        base = {t.id: [rng.randint(0, c.max_units) for c in t.criteria] for t in tasks}
        for position, assignment in enumerate(markers):
            values = {}
            for task in tasks:
                for criterion, units in zip(task.criteria, base[task.id], strict=True):
                    if n == 0 and task is tasks[0]:
                        units = 0 if position == 0 else criterion.max_units  # far apart
                    elif rng.random() < 0.3:
                        units = max(0, min(criterion.max_units, units + rng.choice((-1, 1))))
                    values[task.id, criterion.number] = units
            juror = session.get(Juror, assignment.juror_id)
            assert juror is not None
            submit = n == 0 or rng.random() < 0.8
            marking.save(
                session,
                actor=Actor(juror.user_id, f"juror:{juror.id}"),
                assignment=assignment,
                values=values,
                submit=submit,
            )


def load_jury_demo(
    session: AnySession, *, drawn: Round, ready: Round, chair: Actor, it: Actor
) -> Draw:
    """``drawn``: scans frozen, conflicts settled; ``ready``: kits only, conflicts undecided."""
    settle_conflicts(session, round_=ready, chair=chair)
    freeze_clean(session, round_=ready, it=it)
    draw = run_draw(session, round_=drawn, chair=chair)
    mark_some(session, round_=drawn, rng=random.Random(2026))
    return draw

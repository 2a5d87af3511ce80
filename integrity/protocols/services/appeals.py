"""Appeals: a participant with their kit's access code sees their own masked work and marks and
files one appeal inside the window; a commission drawn by lot (without the work's markers, without
conflicts) decides, and any change is a score event and a new protocol version.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.accounts.models import User
from integrity.accounts.services import authenticate
from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput, NotFound
from integrity.jury.domain import draw as algorithm
from integrity.jury.domain import format_sixtieths
from integrity.jury.models import Assignment, Draw, DrawState, Mark
from integrity.jury.services.draws.inputs import manifest_of
from integrity.protocols.models import Appeal, Protocol, ProtocolState, ScoreEvent
from integrity.protocols.services.content import build_ciphered, effective_scores
from integrity.protocols.services.lifecycle import new_version
from integrity.registry.models import Task
from integrity.scans.domain.codes import access_code_valid, normalise_crockford
from integrity.scans.models import Work
from integrity.scans.services.common import appeal_tag
from integrity.settings import Settings

log = logging.getLogger(__name__)

COMMISSION = 3
PARTICIPANT = Actor(None, "participant")


def find_work(session: AnySession, code: str, settings: Settings) -> Work:
    """The work behind an access code. Every miss (mistyped, unknown, not yet ingested) gets the
    same answer, so the page tells a guesser nothing; each miss is logged (not audited: it changes
    nothing)."""
    value = normalise_crockford(code)
    work = None
    if access_code_valid(value):
        work = session.execute(
            select(Work).where(Work.appeal_tag == appeal_tag(value, settings))
        ).scalar_one_or_none()
    if work is None:
        log.info("access code refused", extra={"fields": {"event": "access_code_miss"}})
        raise NotFound(_l("No published work matches this access code."), field="code")
    return work


def protocol_of(session: AnySession, work: Work) -> Protocol | None:
    return session.execute(
        select(Protocol).where(Protocol.round_id == work.round_id, Protocol.grade == work.grade)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class TaskView:
    task: Task
    score: str | None  # the score that counts, formatted
    markers: list[dict[int, int]]  # per marker (in drawn order): criterion number → units


def work_view(session: AnySession, work: Work) -> list[TaskView]:
    """The work's tasks with each marker's points per criterion and the score that counts."""
    scores = effective_scores(session, [work])[work.id]
    assignments = list(
        session.execute(
            select(Assignment)
            .where(Assignment.work_id == work.id, Assignment.submitted_at.isnot(None))
            .order_by(Assignment.role, Assignment.position)
        ).scalars()
    )
    marks: dict[tuple[int, int], Mark] = {
        (m.assignment_id, m.task_id): m
        for m in session.execute(
            select(Mark).where(Mark.assignment_id.in_([a.id for a in assignments]))
        ).scalars()
    }
    tasks = session.execute(
        select(Task).where(Task.round_id == work.round_id).order_by(Task.number)
    ).scalars()
    views = []
    for task in tasks:
        per_marker = []
        for a in assignments:
            mark = marks.get((a.id, task.id))
            if mark is not None:
                per_marker.append({int(k): v for k, v in json.loads(mark.criteria).items()})
        value = scores.get(task.id)
        views.append(TaskView(task, format_sixtieths(value) if value is not None else None,
                              per_marker))  # fmt: skip
    return views


def commission_for(session: AnySession, work: Work) -> list[int]:
    """Three jurors (fewer if the pool is smaller, always an odd number), in an order drawn from
    the round's draw seed under the label ``appeal:<cipher>``: eligible for the work by the draw's
    manifest, and none of its markers."""
    draw = session.execute(
        select(Draw).where(Draw.round_id == work.round_id, Draw.state == DrawState.REVEALED)
    ).scalar_one()
    assert draw.final_seed is not None
    problem = algorithm.read_manifest(manifest_of(draw))
    markers = set(
        session.execute(select(Assignment.juror_id).where(Assignment.work_id == work.id)).scalars()
    )
    w = problem.works.index(work.cipher)
    pool = [problem.juror_ids[j] for j in problem.eligible[w]
            if problem.juror_ids[j] not in markers]  # fmt: skip
    order = algorithm.Stream(draw.final_seed, f"appeal:{work.cipher}").shuffled(pool)
    size = min(COMMISSION, len(order) if len(order) % 2 else len(order) - 1)
    if size < 1:
        raise Refused(_l("No juror is free to sit on this work's appeal commission."))
    return order[:size]


def _refused(code: str, work: Work) -> None:
    """Refused appeals go to the log (a refusal changes no state, so it is no audit event)."""
    log.info(
        "appeal refused", extra={"fields": {"event": "appeal_refused", "code": code,
                                            "cipher": work.cipher}}
    )  # fmt: skip


def file_appeal(
    session: AnySession,
    *,
    work: Work,
    reason: str,
    filed_as: str,
    now: dt.datetime | None = None,
) -> Appeal:
    now = now or utcnow()
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Say what you appeal and why."), field="reason")
    if filed_as not in ("participant", "supervisor"):
        raise InvalidInput(_l("Say who files the appeal."), field="filed_as")
    protocol = protocol_of(session, work)
    if (
        protocol is None
        or protocol.state is not ProtocolState.PUBLISHED
        or protocol.appeals_until is None
        or now > protocol.appeals_until
    ):
        _refused("window_closed", work)
        raise Refused(_l("Appeals for this work are not open: the window is closed."),
                      code="window_closed")  # fmt: skip
    if session.execute(select(Appeal).where(Appeal.work_id == work.id)).first() is not None:
        _refused("second_appeal", work)
        raise Refused(_l("An appeal for this work has already been filed."), code="second_appeal")
    appeal = Appeal(
        work_id=work.id,
        protocol_id=protocol.id,
        filed_as=filed_as,
        reason=reason,
        filed_at=now,
        commission=",".join(str(j) for j in commission_for(session, work)),
    )
    session.add(appeal)
    session.flush()
    record_event(
        session,
        actor=PARTICIPANT,
        action="appeals.filed",
        subject=f"appeal:{appeal.id}",
        data={"cipher": work.cipher, "filed_as": filed_as, "reason": reason,
              "commission": appeal.commission_ids},
    )  # fmt: skip
    return appeal


def decide(
    session: AnySession,
    *,
    actor: Actor,
    appeal: Appeal,
    scores: dict[int, int],
    reason: str,
    password: str,
) -> Appeal:
    """Record the commission's decision. ``scores``: task id → the new score in units (half
    points) for the tasks it changes. The actor re-enters their password: a score changes after
    the protocol was frozen."""
    user = session.get(User, actor.id) if actor.id is not None else None
    if user is None or authenticate(session, user.username, password) is None:
        raise InvalidInput(_l("Wrong password."), field="password")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Write the commission's reason."), field="reason")
    if appeal.decided_at is not None:
        raise Refused(_l("This appeal is already decided."))
    if appeal.protocol.state is not ProtocolState.PUBLISHED:
        raise Refused(_l("The protocol no longer takes appeal decisions."))
    current = effective_scores(session, [appeal.work])[appeal.work.id]
    tasks = {t.id: t for t in appeal.protocol.round.tasks}
    delta, changed = 0, False
    for task_id, units in sorted(scores.items()):
        task = tasks.get(task_id)
        if task is None or not 0 <= units <= task.max_units:
            raise InvalidInput(_l("Points out of range for a task."), field="scores")
        after, before = units * 30, current.get(task_id) or 0
        if after != before:
            session.add(ScoreEvent(work_id=appeal.work_id, task_id=task_id, before=before,
                                   after=after, kind="appeal", reason=reason,
                                   actor_id=actor.id))  # fmt: skip
            delta += after - before
            changed = True
    appeal.outcome = "raised" if delta > 0 else "lowered" if delta < 0 else "unchanged"
    appeal.decision_reason, appeal.decided_by_id, appeal.decided_at = reason, actor.id, utcnow()
    session.flush()
    version = None
    if changed:
        version = new_version(
            session, actor=actor, protocol=appeal.protocol,
            content=build_ciphered(session, appeal.protocol),
            reason=f"appeal {appeal.id}: {appeal.outcome}",
        )  # fmt: skip
    record_event(
        session,
        actor=actor,
        action="appeals.decided",
        subject=f"appeal:{appeal.id}",
        data={"outcome": appeal.outcome, "reason": reason,
              "scores": {str(task_id): units for task_id, units in scores.items()},
              "version": version.number if version else None},
    )  # fmt: skip
    return appeal


def pending(session: AnySession, protocol: Protocol) -> list[Appeal]:
    return list(
        session.execute(
            select(Appeal).where(Appeal.protocol_id == protocol.id).order_by(Appeal.id)
        ).scalars()
    )

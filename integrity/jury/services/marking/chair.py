"""The chair's hand on marking: a decision where the markers could not settle, a submitted
marking returned to its author, and the lock a protocol's freeze puts on its marks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput, NotFound
from integrity.jury import domain
from integrity.jury.models import Assignment, MarksLock, ScoreStatus, TaskScore
from integrity.registry.domain.kinds import units_to_points
from integrity.registry.models import Round
from integrity.scans.models import Work


def lock_marks(session: AnySession, *, round_id: int, grade: int) -> None:
    """Stop the marks of a round's grade from changing (its protocol is being frozen). Called by
    the protocols area at its freeze: the later area acts, marking only keeps the lock."""
    if session.get(MarksLock, (round_id, grade)) is None:
        session.add(MarksLock(round_id=round_id, grade=grade))
        session.flush()


def _before_the_protocol(session: AnySession, work_id: int) -> None:
    """Marks and reconciled scores change only until the work's protocol is frozen; after, a
    change is an appeal's score event (password and reason), never an edit here."""
    work = session.get(Work, work_id)
    assert work is not None
    if session.get(MarksLock, (work.round_id, work.grade)) is not None:
        raise Refused(
            _l("The protocol is frozen: a score changes now only through an appeal."),
            code="protocol_frozen",
        )


def chair_decide(
    session: AnySession, *, actor: Actor, score: TaskScore, units: int, reason: str
) -> TaskScore:
    """The chair settles a task the markers could not, with a written reason."""
    _before_the_protocol(session, score.work_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for the decision."), field="reason")
    if score.status is not ScoreStatus.AWAITING_CHAIR:
        raise Refused(_l("This task does not await the chair."))
    if not 0 <= units <= score.task.max_units:
        raise InvalidInput(
            _l("Points go from 0 to %(max)s.", max=units_to_points(score.task.max_units)),
            field="points",
        )
    score.status, score.sixtieths = ScoreStatus.CHAIR, units * domain.SIXTIETHS_PER_UNIT
    score.reason, score.decided_by_id, score.updated_at = reason, actor.id, utcnow()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.chair_decided",
        subject=f"task_score:{score.id}",
        data={"work_id": score.work_id, "task": score.task.number, "units": units,
              "reason": reason},
    )  # fmt: skip
    return score


def submitted_marking(
    session: AnySession, *, round_: Round, cipher: str, juror_id: int
) -> Assignment:
    found = session.execute(
        select(Assignment)
        .join(Work, Work.id == Assignment.work_id)
        .where(Work.round_id == round_.id, Work.cipher == cipher, Assignment.juror_id == juror_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(_l("That juror has no marking of that cipher in this round."))
    return found


def reopen_submitted(
    session: AnySession, *, actor: Actor, assignment: Assignment, reason: str
) -> None:
    """The chair returns a submitted marking to its author (a mistyped mark, say): the only way a
    submitted mark changes. An event with the reason; the scores it fed are reconciled again."""
    _before_the_protocol(session, assignment.work_id)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for returning the marking."), field="reason")
    if assignment.submitted_at is None:
        raise Refused(_l("This marking is not submitted."))
    assignment.submitted_at = None
    for score in session.execute(
        select(TaskScore).where(TaskScore.work_id == assignment.work_id)
    ).scalars():
        if score.status is not ScoreStatus.CHAIR:
            session.delete(score)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.marking_returned",
        subject=f"assignment:{assignment.id}",
        data={"cipher": assignment.work.cipher, "juror_id": assignment.juror_id,
              "reason": reason},
    )  # fmt: skip


def return_assignment(
    session: AnySession, *, actor: Actor, round_: Round, assignment_id: int, reason: str
) -> Assignment:
    """The chair returns a juror's submitted marking chosen on the page (a button beside the
    marking, no cipher typed), with the reason (see ``reopen_submitted``)."""
    found = session.get(Assignment, assignment_id)
    if found is None or found.work.round_id != round_.id:
        raise NotFound(_l("That juror has no marking of that cipher in this round."))
    reopen_submitted(session, actor=actor, assignment=found, reason=reason)
    return found


def return_marking(
    session: AnySession, *, actor: Actor, round_: Round, cipher: str, juror_id: int, reason: str
) -> None:
    """The chair returns a juror's submitted marking of a work, named by its cipher as typed (any
    case, spaces around), with the reason (see ``reopen_submitted``)."""
    found = submitted_marking(
        session, round_=round_, cipher=cipher.strip().upper(), juror_id=juror_id
    )
    reopen_submitted(session, actor=actor, assignment=found, reason=reason)

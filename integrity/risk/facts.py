"""Reading one period's facts for the indicators from the platform's own records. Reads only.

A round belongs to the period its ``held_on`` date (else its event's first day) falls in; events
with a time of their own (a publication, an appeal, an issued diploma, an audit event) belong to
the period that time falls in. Nothing read here names a person: the facts carry counts, times,
processes ("MATH · round 1 · grade 9") and venues.

The zone and the deadlines (RISK_PROTOCOL_HOURS, RISK_APPEAL_HOURS) come in with the settings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from integrity.audit.models import AuditEvent
from integrity.audit.services import verify as verify_chain
from integrity.clock import local_date, start_of
from integrity.db import AnySession, utcnow
from integrity.diplomas.domain.published import Verdict, check
from integrity.diplomas.models import Batch, Diploma
from integrity.jury.models import (
    Assignment,
    Draw,
    DrawState,
    ScoreStatus,
    TaskScore,
    WorkConflict,
)
from integrity.protocols.models import Appeal, Protocol, ScoreEvent
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import (
    Entry,
    Event,
    JurorDeclaration,
    Room,
    Round,
    Subject,
    Venue,
)
from integrity.risk.domain.indicators import (
    AppealFact,
    ConflictFact,
    CriticalActionFact,
    Facts,
    MarkerFact,
    ProtocolFact,
    ScoreChangeFact,
    VenueFact,
)
from integrity.scans.models import ScanPage, ScanRound, Upload, Work
from integrity.settings import Settings


def _bounds(zone: ZoneInfo, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        start_of(zone, start).astimezone(dt.UTC),
        start_of(zone, end + dt.timedelta(days=1)).astimezone(dt.UTC),
    )


def rounds_in(
    session: AnySession, zone: ZoneInfo, start: dt.date, end: dt.date
) -> list[tuple[Round, dt.date]]:
    """The rounds held in the period, with the day each took place: its date, else its event's
    first day, else the day its scans were frozen (which follows the round within days). One
    query for all rounds."""
    found = []
    for round_, starts_on, frozen_at in session.execute(
        select(Round, Event.starts_on, ScanRound.frozen_at)
        .join(Subject, Subject.id == Round.subject_id)
        .join(Event, Event.id == Subject.event_id)
        .outerjoin(ScanRound, ScanRound.round_id == Round.id)
        .order_by(Round.id)
    ).all():
        day = round_.held_on or starts_on or (local_date(zone, frozen_at) if frozen_at else None)
        if day is not None and start <= day <= end:
            found.append((round_, day))
    return found


def gather(session: AnySession, start: dt.date, end: dt.date, settings: Settings) -> Facts:
    """The period's facts, read area by area (each reader below is one kind of fact)."""
    zone = settings.zone
    since, until = _bounds(zone, start, end)
    dated = rounds_in(session, zone, start, end)
    rounds = [r for r, _ in dated]
    days = {r.id: day for r, day in dated}
    round_ids = list(days)
    changes = _score_changes(session, since, until)
    issued, unverifiable = _diplomas(session, zone, since, until)
    jurors_drawn, jurors_undeclared = _jurors(session, round_ids)
    task_scores, thirds = _task_scores(session, round_ids)
    page_rows = session.execute(
        select(ScanPage.status, ScanPage.resolved_by_id)
        .join(Upload, Upload.id == ScanPage.upload_id)
        .where(Upload.round_id.in_(round_ids))
    ).all()
    from integrity.scans.models import PageStatus

    return Facts(
        period_start=start,
        period_end=end,
        protocols=_protocols(session, zone, days, float(settings.risk_protocol_hours)),
        score_changes=tuple(changes),
        appeals=_appeals(session, since, until),
        diplomas_issued=issued,
        diplomas_unverifiable=unverifiable,
        conflicts=_conflicts(session, round_ids),
        jurors_drawn=jurors_drawn,
        jurors_undeclared=jurors_undeclared,
        task_scores=task_scores,
        task_scores_third=thirds,
        markers=_markers(session, rounds),
        pages=len(page_rows),
        pages_by_hand=sum(1 for _, by in page_rows if by is not None),
        pages_discarded=sum(1 for status, _ in page_rows if status is PageStatus.DISCARDED),
        critical_actions=_critical_actions(session, since, until, changes),
        venues=_venues(session, round_ids),
        chain_ok=verify_chain(session).ok,
        settings={"appeal_decision_hours": float(settings.risk_appeal_hours)},
        as_of=utcnow(),
    )


def _protocols(
    session: AnySession, zone: ZoneInfo, days: dict[int, dt.date], protocol_hours: float
) -> tuple[ProtocolFact, ...]:
    """Each protocol of the period's rounds, due ``protocol_hours`` after its round's day."""
    protocols = []
    for protocol in session.execute(
        select(Protocol).where(Protocol.round_id.in_(list(days))).order_by(Protocol.id)
    ).scalars():
        round_ = protocol.round
        due = start_of(zone, days[round_.id]).astimezone(dt.UTC) + dt.timedelta(
            hours=protocol_hours
        )
        protocols.append(ProtocolFact(
            f"{round_.subject.code} · {round_.number} · {protocol.grade}", due, protocol.published_at
        ))  # fmt: skip
    return tuple(protocols)


def _score_changes(
    session: AnySession, since: dt.datetime, until: dt.datetime
) -> list[ScoreChangeFact]:
    changes = []
    for change, published in session.execute(
        # The change's own protocol, whatever period its round belongs to.
        select(ScoreEvent, Protocol.published_at)
        .join(Work, Work.id == ScoreEvent.work_id)
        .outerjoin(Protocol, (Protocol.round_id == Work.round_id) & (Protocol.grade == Work.grade))
        .where(ScoreEvent.at >= since, ScoreEvent.at < until)
    ).all():  # fmt: skip
        changes.append(
            ScoreChangeFact(change.kind, published is not None and change.at >= published)
        )
    return changes


def _appeals(session: AnySession, since: dt.datetime, until: dt.datetime) -> tuple[AppealFact, ...]:
    return tuple(
        AppealFact(a.filed_at, a.decided_at, a.outcome)
        for a in session.execute(
            select(Appeal).where(Appeal.filed_at >= since, Appeal.filed_at < until)
        ).scalars()
    )


def _diplomas(
    session: AnySession, zone: ZoneInfo, since: dt.datetime, until: dt.datetime
) -> tuple[int, int]:
    """How many documents were issued, and how many of them our own keys do not verify."""
    from integrity.diplomas.keys import published_keys

    keys = published_keys(session, zone)
    issued = unverifiable = 0
    for (blob,) in session.execute(
        select(Diploma.payload).where(Diploma.created_at >= since, Diploma.created_at < until)
    ).all():
        issued += 1
        if (
            check(blob, keys, lambda _: None, unknown=Verdict.STATUS_UNKNOWN).verdict
            is Verdict.NOT_ISSUED
        ):
            unverifiable += 1
    return issued, unverifiable


def _conflicts(session: AnySession, round_ids: list[int]) -> tuple[ConflictFact, ...]:
    assigned = set(
        session.execute(
            select(Assignment.work_id, Assignment.juror_id)
            .join(Work, Work.id == Assignment.work_id)
            .where(Work.round_id.in_(round_ids))
        ).all()
    )
    return tuple(
        ConflictFact(True, (work_id, juror_id) in assigned)
        for work_id, juror_id in session.execute(
            select(WorkConflict.work_id, WorkConflict.juror_id)
            .join(Work, Work.id == WorkConflict.work_id)
            .where(Work.round_id.in_(round_ids))
        ).all()
    )


def _jurors(session: AnySession, round_ids: list[int]) -> tuple[int, int]:
    """Jurors drawn for the period's rounds, and how many of them declared no relations."""
    drawn = session.execute(
        select(Assignment.juror_id, Subject.event_id)
        .join(Draw, Draw.id == Assignment.draw_id)
        .join(Round, Round.id == Draw.round_id)
        .join(Subject, Subject.id == Round.subject_id)
        .where(Draw.round_id.in_(round_ids), Draw.state == DrawState.REVEALED)
        .distinct()
    ).all()
    declared = set(
        session.execute(select(JurorDeclaration.juror_id, JurorDeclaration.event_id)).all()
    )
    return len({j for j, _ in drawn}), len({j for j, e in drawn if (j, e) not in declared})


def _task_scores(session: AnySession, round_ids: list[int]) -> tuple[int, int]:
    """Task scores of the period's rounds, and how many needed a third marker."""
    task_scores = session.execute(
        select(func.count()).select_from(TaskScore).join(Work, Work.id == TaskScore.work_id)
        .where(Work.round_id.in_(round_ids))
    ).scalar_one()  # fmt: skip
    thirds = session.execute(
        select(func.count()).select_from(TaskScore).join(Work, Work.id == TaskScore.work_id)
        .where(Work.round_id.in_(round_ids),
               TaskScore.status.in_([ScoreStatus.MEDIAN, ScoreStatus.AWAITING_THIRD]))
    ).scalar_one()  # fmt: skip
    return task_scores, thirds


def _markers(session: AnySession, rounds: list[Round]) -> tuple[MarkerFact, ...]:
    from integrity.jury.services.marking import statistics

    by_juror: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for round_ in rounds:
        for stats in statistics(session, round_):
            by_juror[stats.juror_id].append((stats.mean_deviation, stats.markings))
    return tuple(
        MarkerFact(
            sum(d * n for d, n in rows) / max(1, sum(n for _, n in rows)), sum(n for _, n in rows)
        )
        for rows in by_juror.values()
    )


def _critical_actions(
    session: AnySession, since: dt.datetime, until: dt.datetime, changes: list[ScoreChangeFact]
) -> tuple[CriticalActionFact, ...]:
    critical = []
    for event in session.execute(
        select(AuditEvent).where(
            AuditEvent.at >= since,
            AuditEvent.at < until,
            AuditEvent.action.in_(["vault.unseal", "diploma.batch_approved"]),
        )
    ).scalars():
        data = json.loads(event.data)
        if event.action == "vault.unseal":
            critical.append(CriticalActionFact("unseal", data.get("with") == "shares"))
        else:
            batch = session.get(Batch, int(event.subject.rsplit(":", 1)[-1]))
            maker = batch.requested_by_id if batch else None
            critical.append(
                CriticalActionFact("diploma_batch", maker is not None and maker != event.actor_id)
            )
    critical += [
        CriticalActionFact("score_change_after_freeze", False)
        for c in changes
        if c.kind != "appeal"
    ]
    return tuple(critical)


def _venues(session: AnySession, round_ids: list[int]) -> tuple[VenueFact, ...]:
    venue_counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for venue_id, name, status in session.execute(
        select(Venue.id, Venue.name, Entry.status)
        .join(Room, Room.venue_id == Venue.id)
        .join(Entry, Entry.room_id == Room.id)
        .where(Entry.round_id.in_(round_ids))
    ).all():
        venue_counts[(venue_id, name)]["entries"] += 1
        venue_counts[(venue_id, name)]["disqualified"] += status is EntryStatus.DISQUALIFIED
    return tuple(
        VenueFact(name, c["entries"], c["disqualified"])
        for (_, name), c in sorted(venue_counts.items())
    )

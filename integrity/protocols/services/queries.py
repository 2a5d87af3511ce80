"""What the protocols' pages show, read in one call each: the views render it and query nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from integrity.db import AnySession, utcnow
from integrity.jury.services.marking import MarkerPoints, markings_of, pages_of
from integrity.protocols.models import Appeal, Protocol, ProtocolState, ScoreEvent
from integrity.protocols.services import appeals
from integrity.protocols.services.content import effective_scores, protocols_of
from integrity.registry.models import Juror, Round
from integrity.scans.models import Work


@dataclass(frozen=True)
class RoundPage:
    protocols: list[Protocol]  # one per grade, drafts included
    appeals: dict[int, list[Appeal]]  # by grade
    current: dict[int, dict[int, int | None]]  # per appeal: the score each task has now
    members: dict[int, list[Juror | None]]  # per appeal: its commission
    markings: dict[int, list[MarkerPoints]]  # per appeal: the markers' points per task
    pages: dict[int, int]  # per appeal: the work's ciphered pages


def round_page(session: AnySession, round_: Round) -> RoundPage:
    """The round's protocols and appeals, with what the commission needs to decide each appeal:
    the score each task of the appealed work has now, its members, the markers' points per task
    and the number of the work's ciphered pages."""
    found = protocols_of(session, round_)
    listed = {p.grade: appeals.pending(session, p) if p.id else [] for p in found}
    every = [a for group in listed.values() for a in group]
    scores = effective_scores(session, [a.work for a in every])
    sheets = markings_of(session, [a.work_id for a in every])
    return RoundPage(
        protocols=found,
        appeals=listed,
        current={a.id: scores[a.work_id] for a in every},
        members={a.id: [session.get(Juror, j) for j in a.commission_ids] for a in every},
        markings={a.id: sheets[a.work_id] for a in every},
        pages={a.id: len(pages_of(session, a.work)) for a in every},
    )


def protocol_for_grade(session: AnySession, round_: Round, grade: int | None) -> Protocol | None:
    """The round's protocol for a grade (a draft not saved yet, before its first freeze)."""
    return next((p for p in protocols_of(session, round_) if p.grade == grade), None)


@dataclass(frozen=True)
class AppealPage:
    protocol: Protocol | None
    tasks: list[appeals.TaskView]
    pages: int  # masked pages to show
    appeal: Appeal | None  # the work's appeal, once filed
    open: bool  # the appeal window is open now


def appeal_page(session: AnySession, work: Work) -> AppealPage:
    """A participant's own work as the access code opens it: marks, pages, their appeal."""
    protocol = appeals.protocol_of(session, work)
    return AppealPage(
        protocol=protocol,
        tasks=appeals.work_view(session, work),
        pages=len(pages_of(session, work)),
        appeal=session.execute(
            select(Appeal).where(Appeal.work_id == work.id)
        ).scalar_one_or_none(),
        open=protocol is not None
        and protocol.state is ProtocolState.PUBLISHED
        and protocol.appeals_until is not None
        and utcnow() <= protocol.appeals_until,
    )


# What the risk analysis reads of the protocols (integrity.risk.services.facts): plain rows, no models.


Named = tuple[tuple[str, str, str], int, int]  # the subject's names (kk, ru, en), round, grade


def _named(protocol: Protocol) -> Named:
    subject = protocol.round.subject
    names = (subject.name("kk"), subject.name("ru"), subject.name("en"))
    return names, protocol.round.number, protocol.grade


def protocols_of_rounds(
    session: AnySession, round_ids: Sequence[int]
) -> list[tuple[Named, int, dt.datetime | None]]:
    """Each protocol of the rounds: (its subject's names, round number and grade; round id;
    published)."""
    return [
        (_named(p), p.round_id, p.published_at)
        for p in session.execute(
            select(Protocol).where(Protocol.round_id.in_(list(round_ids))).order_by(Protocol.id)
        ).scalars()
    ]


def score_changes(
    session: AnySession, since: dt.datetime, until: dt.datetime
) -> list[tuple[str, bool]]:
    """Each change of a score in the period: (its kind, made after its protocol was published)."""
    return [
        (change.kind, published is not None and change.at >= published)
        for change, published in session.execute(
            # The change's own protocol, whatever period its round belongs to.
            select(ScoreEvent, Protocol.published_at)
            .join(Work, Work.id == ScoreEvent.work_id)
            .outerjoin(Protocol, (Protocol.round_id == Work.round_id)
                       & (Protocol.grade == Work.grade))
            .where(ScoreEvent.at >= since, ScoreEvent.at < until)
        ).all()
    ]  # fmt: skip


def appeals_filed(
    session: AnySession, since: dt.datetime, until: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime | None, str | None, Named]]:
    """Each appeal filed in the period: (filed, decided, outcome, its protocol's subject names,
    round and grade)."""
    return [
        (a.filed_at, a.decided_at, a.outcome, _named(a.protocol))
        for a in session.execute(
            select(Appeal).where(Appeal.filed_at >= since, Appeal.filed_at < until)
        ).scalars()
    ]

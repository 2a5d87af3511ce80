"""Reading one period's facts for the indicators from the platform's own records. Reads only.

A round belongs to the period its ``held_on`` date (else its event's first day) falls in; events
with a time of their own (a publication, an appeal, an issued diploma, an audit event) belong to
the period that time falls in. Nothing read here names a person: the facts carry counts, times,
processes (a subject's names, round and grade) and venues.

Each area's records are read through that area's read side (its ``services.queries``, or the
diplomas' ``services.pages``), which answers in plain rows; this module only turns them into the
indicators' facts. The zone and the deadlines (RISK_PROTOCOL_HOURS, RISK_APPEAL_HOURS) come in
with the settings.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from integrity.audit import services as audit
from integrity.clock import local_date, start_of
from integrity.db import AnySession, utcnow
from integrity.diplomas.services import pages as diplomas
from integrity.jury.services import queries as jury
from integrity.protocols.services import queries as protocols
from integrity.registry.models import Round
from integrity.registry.services import queries as registry
from integrity.risk.domain.indicators import (
    AppealFact,
    ConflictFact,
    CriticalActionFact,
    Facts,
    MarkerFact,
    Process,
    ProtocolFact,
    ScoreChangeFact,
    VenueFact,
)
from integrity.scans.services import queries as scans
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
    for round_, starts_on, frozen_at in scans.rounds_with_dates(session):
        day = round_.held_on or starts_on or (local_date(zone, frozen_at) if frozen_at else None)
        if day is not None and start <= day <= end:
            found.append((round_, day))
    return found


def gather(session: AnySession, start: dt.date, end: dt.date, settings: Settings) -> Facts:
    """The period's facts, read area by area (each reader below is one kind of fact)."""
    zone = settings.zone
    since, until = _bounds(zone, start, end)
    dated = rounds_in(session, zone, start, end)
    days = {r.id: day for r, day in dated}
    round_ids = list(days)
    changes = [ScoreChangeFact(kind, after) for kind, after in
               protocols.score_changes(session, since, until)]  # fmt: skip
    issued, unverifiable = diplomas.issued_and_unverifiable(session, zone, since, until)
    jurors_drawn, jurors_undeclared = _jurors(session, round_ids)
    task_scores, thirds = jury.task_score_counts(session, round_ids)
    pages = scans.page_counts(session, round_ids)
    return Facts(
        period_start=start,
        period_end=end,
        protocols=_protocols(session, zone, days, float(settings.risk_protocol_hours)),
        score_changes=tuple(changes),
        appeals=tuple(
            AppealFact(filed, decided, outcome, Process(*named))
            for filed, decided, outcome, named in protocols.appeals_filed(session, since, until)
        ),
        diplomas_issued=issued,
        diplomas_unverifiable=unverifiable,
        conflicts=tuple(ConflictFact(*row) for row in jury.conflicts_of_rounds(session, round_ids)),
        jurors_drawn=jurors_drawn,
        jurors_undeclared=jurors_undeclared,
        task_scores=task_scores,
        task_scores_third=thirds,
        markers=tuple(
            MarkerFact(*row) for row in jury.marker_deviations(session, [r for r, _ in dated])
        ),
        pages=pages.pages,
        pages_by_hand=pages.by_hand,
        pages_discarded=pages.discarded,
        critical_actions=_critical_actions(session, since, until, changes),
        venues=_venues(session, round_ids),
        chain_ok=audit.verify(session).ok,
        settings={"appeal_decision_hours": float(settings.risk_appeal_hours)},
        as_of=utcnow(),
    )


def _protocols(
    session: AnySession, zone: ZoneInfo, days: dict[int, dt.date], protocol_hours: float
) -> tuple[ProtocolFact, ...]:
    """Each protocol of the period's rounds, due ``protocol_hours`` after its round's day."""
    return tuple(
        ProtocolFact(
            Process(*named),
            start_of(zone, days[round_id]).astimezone(dt.UTC) + dt.timedelta(hours=protocol_hours),
            published_at,
        )
        for named, round_id, published_at in protocols.protocols_of_rounds(session, list(days))
    )


def _jurors(session: AnySession, round_ids: list[int]) -> tuple[int, int]:
    """Jurors drawn for the period's rounds, and how many of them declared no relations."""
    drawn = jury.drawn_jurors(session, round_ids)
    declared = registry.declared_jurors(session)
    return len({j for j, _ in drawn}), len({j for j, e in drawn if (j, e) not in declared})


def _critical_actions(
    session: AnySession, since: dt.datetime, until: dt.datetime, changes: list[ScoreChangeFact]
) -> tuple[CriticalActionFact, ...]:
    critical = []
    for event in audit.events_between(
        session, ("vault.unseal", "diploma.batch_approved"), since, until
    ):
        data = json.loads(event.data)
        if event.action == "vault.unseal":
            critical.append(CriticalActionFact("unseal", data.get("with") == "shares"))
        else:
            maker = diplomas.batch_maker(session, int(event.subject.rsplit(":", 1)[-1]))
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
    for venue_id, name, disqualified in registry.venue_entries(session, round_ids):
        venue_counts[(venue_id, name)]["entries"] += 1
        venue_counts[(venue_id, name)]["disqualified"] += disqualified
    return tuple(
        VenueFact(name, c["entries"], c["disqualified"])
        for (_, name), c in sorted(venue_counts.items())
    )

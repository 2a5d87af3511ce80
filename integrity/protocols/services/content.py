"""A protocol's content, built from the reconciled scores (and, once unsealed, the names): what a
version freezes as canonical JSON and what a recomputation compares it with."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.db import AnySession
from integrity.errors import Conflict as Refused
from integrity.jury.domain import format_sixtieths
from integrity.jury.models import ScoreStatus, TaskScore
from integrity.protocols import domain
from integrity.protocols.models import Protocol, ProtocolState, ScoreEvent
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import District, Entry, Participant, Round, School, Task
from integrity.scans.models import ScanRound, Work

FORMAT = "integrity-protocol/1"


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def grades_of(session: AnySession, round_: Round) -> list[int]:
    return sorted(
        g
        for g in session.execute(
            select(Work.grade).where(Work.round_id == round_.id).distinct()
        ).scalars()
        if g is not None
    )


def protocols_of(session: AnySession, round_: Round) -> list[Protocol]:
    """The round's protocols, one per grade with works. A grade without a stored protocol gets a
    draft that is not saved: a protocol is written when it is first frozen, with its event."""
    state = session.get(ScanRound, round_.id)
    if state is None or state.frozen_at is None:
        return []
    existing = {
        p.grade: p
        for p in session.execute(select(Protocol).where(Protocol.round_id == round_.id)).scalars()
    }
    for grade in grades_of(session, round_):
        if grade not in existing:
            existing[grade] = Protocol(round=round_, grade=grade, state=ProtocolState.DRAFT)
    return [existing[g] for g in sorted(existing)]


def effective_scores(session: AnySession, works: list[Work]) -> dict[int, dict[int, int | None]]:
    """Per work, per task: the score that counts (the latest score event after a freeze, else the
    reconciled score; None while a task is unsettled)."""
    ids = [w.id for w in works]
    scores: dict[int, dict[int, int | None]] = {w: {} for w in ids}
    for score in session.execute(select(TaskScore).where(TaskScore.work_id.in_(ids))).scalars():
        settled = score.status not in (ScoreStatus.AWAITING_THIRD, ScoreStatus.AWAITING_CHAIR)
        scores[score.work_id][score.task_id] = score.sixtieths if settled else None
    for event in session.execute(
        select(ScoreEvent).where(ScoreEvent.work_id.in_(ids)).order_by(ScoreEvent.id)
    ).scalars():
        scores[event.work_id][event.task_id] = event.after
    return scores


def _ranked_works(session: AnySession, protocol: Protocol, exclude: frozenset[str]) -> list[Work]:
    return [
        w
        for w in session.execute(
            select(Work)
            .where(Work.round_id == protocol.round_id, Work.grade == protocol.grade)
            .order_by(Work.cipher)
        ).scalars()
        if w.cipher not in exclude
    ]


def _refuse_unsettled(
    works: list[Work], tasks: list[Task], scores: dict[int, dict[int, int | None]]
) -> None:
    unsettled = sum(1 for w in works for t in tasks if scores[w.id].get(t.id) is None)
    if unsettled:
        raise Refused(
            _l(
                "%(n)d task scores are not settled yet (marking, a third marker or the chair).",
                n=unsettled,
            ),
            code="unsettled",
            unsettled=unsettled,
        )


def _apart_counts(session: AnySession, protocol: Protocol) -> Counter[EntryStatus]:
    """How many of the grade's entries were absent or disqualified."""
    return Counter(
        session.execute(
            select(Entry.status)
            .join(Participant, Participant.id == Entry.participant_id)
            .where(
                Entry.round_id == protocol.round_id,
                Participant.grade == protocol.grade,
                Entry.status.in_([EntryStatus.ABSENT, EntryStatus.DISQUALIFIED]),
            )
        ).scalars()
    )


def build_ciphered(
    session: AnySession, protocol: Protocol, exclude: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The ciphered protocol's content. Refused while a task of one of its works is unsettled.
    ``exclude``: ciphers left out of the ranking (the named protocol's disqualified entries)."""
    round_ = protocol.round
    tasks = sorted(round_.tasks, key=lambda t: t.number)
    works = _ranked_works(session, protocol, exclude)
    scores = effective_scores(session, works)
    _refuse_unsettled(works, tasks, scores)
    totals = [(w.cipher, sum(scores[w.id][t.id] or 0 for t in tasks)) for w in works]
    policy = domain.Policy.from_config(
        json.loads(round_.subject.event.prize_policy) if round_.subject.event.prize_policy else None
    )
    awarded = domain.award(domain.rank(totals), policy)
    per_work = {w.cipher: w for w in works}
    statuses = _apart_counts(session, protocol)
    return {
        "format": FORMAT,
        "kind": "ciphered",
        "protocol": protocol.id,
        "event": round_.subject.event_id,
        "subject": round_.subject.code,
        "round": round_.number,
        "grade": protocol.grade,
        "policy": policy.kind,
        "quotas": list(awarded.quotas) if awarded.quotas else None,
        "overflow": {d.value: n for d, n in awarded.overflow.items()},
        "tasks": [t.number for t in tasks],
        "rows": [
            {
                "cipher": p.key,
                "tasks": [format_sixtieths(scores[per_work[p.key].id][t.id] or 0) for t in tasks],
                "total": format_sixtieths(p.score),
                "rank": p.rank,
                "award": p.award.value if p.award else None,
            }
            for p in awarded.placed
        ],
        "absent": statuses.get(EntryStatus.ABSENT, 0),
        "disqualified": statuses.get(EntryStatus.DISQUALIFIED, 0),
    }


def entries_by_cipher(session: AnySession, round_id: int) -> dict[str, int]:
    """Each work's entry, as the unsealed vault links them (empty before unsealing)."""
    from integrity.vault.models import IdentityLink

    return dict(
        session.execute(
            select(Work.cipher, IdentityLink.entry_id)
            .join(IdentityLink, IdentityLink.work_id == Work.id)
            .where(Work.round_id == round_id)
        ).all()
    )


def _disqualified(session: AnySession, links: dict[str, int]) -> frozenset[str]:
    return frozenset(
        cipher
        for cipher, entry_id in links.items()
        if (entry := session.get(Entry, entry_id)) is not None
        and entry.status is EntryStatus.DISQUALIFIED
    )


def _people(session: AnySession, protocol: Protocol) -> dict[int, dict[str, Any]]:
    """Each entry of the round as the named protocol shows its participant."""
    return {
        entry.id: {
            "entry": entry.id,  # for the public rendering, which withholds by live consent
            "name": participant.full_name,
            "grade": participant.grade,
            "school_kk": school.name_kk,
            "school_ru": school.name_ru,
            "district_kk": district.name_kk,
            "district_ru": district.name_ru,
        }
        for entry, participant, school, district in session.execute(
            select(Entry, Participant, School, District)
            .join(Participant, Participant.id == Entry.participant_id)
            .join(School, School.id == Participant.school_id)
            .join(District, District.id == School.district_id)
            .where(Entry.round_id == protocol.round_id)
        ).all()
    }


def _apart(
    session: AnySession, protocol: Protocol, people: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The grade's absent and disqualified, listed apart with their reason."""
    apart = session.execute(
        select(Entry)
        .join(Participant, Participant.id == Entry.participant_id)
        .where(
            Entry.round_id == protocol.round_id,
            Participant.grade == protocol.grade,
            Entry.status.in_([EntryStatus.ABSENT, EntryStatus.DISQUALIFIED]),
        )
        .order_by(Participant.sort_key)
    ).scalars()
    return [
        {**people[e.id], "status": e.status.value, "reason": e.status_reason or ""} for e in apart
    ]


def build_named(session: AnySession, protocol: Protocol) -> dict[str, Any]:
    """The final protocol: the ciphered content (after appeals) with each cipher's participant,
    school and district, and the absent and disqualified listed apart with their reason."""
    links = entries_by_cipher(session, protocol.round_id)
    # Names make disqualifications visible: a disqualified entry's work leaves the ranking (the
    # others are ranked again) and the entry is listed apart with its reason.
    content = build_ciphered(session, protocol, exclude=_disqualified(session, links))
    people = _people(session, protocol)
    missing = [row["cipher"] for row in content["rows"] if row["cipher"] not in links]
    if missing:
        raise Refused(
            _l("%(n)d works have no unsealed identity; unseal the round first.", n=len(missing)),
            code="not_unsealed",
        )
    for row in content["rows"]:
        row.update(people[links[row["cipher"]]])
    content["apart"] = _apart(session, protocol, people)
    content["kind"] = "named"
    return content

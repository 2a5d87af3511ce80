"""Conflicts of interest for a round: the check, the chair's decisions, the snapshot at freeze."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict as Refused
from integrity.errors import InvalidInput, NotFound
from integrity.jury.domain.conflicts import (
    Conflict,
    EntryFacts,
    JurorFacts,
    find_conflicts,
)
from integrity.jury.models import ConflictCheck, ConflictDecision, WorkConflict
from integrity.registry.models import Entry, Juror, JurorSubject, Participant, Round, School
from integrity.scans.models import ScanRound, Work
from integrity.scans.services.queue import FreezeStep


def round_jurors(session: AnySession, round_: Round) -> list[Juror]:
    """The jurors of the round's subject, in alphabetical order."""
    return list(
        session.execute(
            select(Juror)
            .join(JurorSubject, JurorSubject.juror_id == Juror.id)
            .where(JurorSubject.subject_id == round_.subject_id)
            .options(selectinload(Juror.relations), selectinload(Juror.school))
            .order_by(Juror.sort_key)
        ).scalars()
    )


def juror_facts(juror: Juror) -> JurorFacts:
    district = juror.district_id
    if district is None and juror.school is not None:
        district = juror.school.district_id
    return JurorFacts(
        id=juror.id,
        surname=juror.surname,
        given_name=juror.given_name,
        patronymic=juror.patronymic,
        school_id=juror.school_id,
        district_id=district,
        relations=tuple(
            sorted(
                ((r.kind.value, r.iin, r.full_name) for r in juror.relations),
                key=lambda t: (t[0], t[1] or "", t[2]),
            )
        ),
    )


def fingerprint(facts: JurorFacts) -> str:
    """What a juror's conflicts were computed from; if it changes, the snapshot is stale."""
    data = [facts.surname, facts.given_name, facts.patronymic, facts.school_id,
            facts.district_id, [list(r) for r in facts.relations]]  # fmt: skip
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def entry_facts(session: AnySession, round_: Round) -> dict[int, tuple[Entry, EntryFacts]]:
    rows = session.execute(
        select(Entry, Participant, School)
        .join(Participant, Participant.id == Entry.participant_id)
        .join(School, School.id == Participant.school_id)
        .where(Entry.round_id == round_.id)
    ).all()
    return {
        entry.id: (
            entry,
            EntryFacts(
                entry_id=entry.id,
                iin=participant.iin,
                surname=participant.surname,
                given_name=participant.given_name,
                patronymic=participant.patronymic,
                school_id=school.id,
                district_id=school.district_id,
                supervisor=participant.supervisor,
            ),
        )
        for entry, participant, school in rows
    }


@dataclass(frozen=True)
class ConflictRow:
    juror: Juror
    entry: Entry
    conflict: Conflict
    decision: ConflictDecision | None

    @property
    def excludes(self) -> bool:
        """Whether this pair keeps the juror from the participant's work."""
        if self.conflict.hard:
            return True
        return self.decision is not None and self.decision.confirmed


@dataclass(frozen=True)
class ConflictReport:
    rows: list[ConflictRow]
    frozen: bool  # the round's scans are frozen: conflicts were written down then

    @property
    def hard(self) -> list[ConflictRow]:
        return [r for r in self.rows if r.conflict.hard]

    @property
    def potential(self) -> list[ConflictRow]:
        return [r for r in self.rows if not r.conflict.hard]

    @property
    def undecided(self) -> list[ConflictRow]:
        return [r for r in self.potential if r.decision is None]


def check_round(session: AnySession, round_: Round) -> ConflictReport:
    jurors = {j.id: j for j in round_jurors(session, round_)}
    entries = entry_facts(session, round_)
    found = find_conflicts(
        [juror_facts(j) for j in jurors.values()],
        [facts for _, facts in entries.values()],
        same_district=round_.subject.event.same_district_conflict,
    )
    decisions = {
        (d.juror_id, d.entry_id): d
        for d in session.execute(
            select(ConflictDecision).where(ConflictDecision.round_id == round_.id)
        ).scalars()
    }
    rows = [
        ConflictRow(
            jurors[c.juror_id], entries[c.entry_id][0], c, decisions.get((c.juror_id, c.entry_id))
        )
        for c in found
    ]
    state = session.get(ScanRound, round_.id)
    return ConflictReport(rows, frozen=state is not None and state.frozen_at is not None)


def decide(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    juror_id: int,
    entry_id: int,
    confirmed: bool,
    reason: str,
) -> ConflictDecision:
    """The chair confirms (the juror will not mark the work) or dismisses a potential conflict."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Give the reason for the decision."), field="reason")
    report = check_round(session, round_)
    if report.frozen:
        raise Refused(
            _l("The round's scans are frozen: its conflicts were settled and written down then.")
        )
    row = next((r for r in report.rows if (r.juror.id, r.entry.id) == (juror_id, entry_id)), None)
    if row is None:
        raise NotFound(_l("No such conflict in this round."))
    if row.conflict.hard:
        raise Refused(_l("A hard conflict needs no decision: that juror never marks that work."))
    decision = row.decision or ConflictDecision(
        round_id=round_.id, juror_id=juror_id, entry_id=entry_id, confirmed=confirmed, reason=reason
    )
    decision.confirmed, decision.reason = confirmed, reason
    decision.decided_by_id, decision.decided_at = actor.id, utcnow()
    session.add(decision)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="jury.conflict_confirmed" if confirmed else "jury.conflict_dismissed",
        subject=f"round:{round_.id}",
        data={
            "juror_id": juror_id,
            "entry_id": entry_id,
            "reasons": [r.value for r in row.conflict.reasons],
            "reason": reason,
        },
    )
    return decision


def write_snapshot(
    session: AnySession, *, round_: Round, work_of_entry: Mapping[int, Work]
) -> tuple[int, int]:
    """At the scans' freeze, while works can still be matched to entries: write down which jurors
    must not mark each work, and which jurors were checked. Part of the freeze, whose audit event
    carries the counts returned: (excluded pairs, jurors checked). Refused while a potential
    conflict awaits the chair."""
    report = check_round(session, round_)
    if report.undecided:
        raise Refused(
            _l(
                "%(n)d potential conflicts await the chair's decision.",
                n=len(report.undecided),
            )
        )
    pairs = {
        (work_of_entry[row.entry.id].id, row.juror.id)
        for row in report.rows
        if row.excludes and row.entry.id in work_of_entry
    }
    for work_id, juror_id in sorted(pairs):
        session.add(WorkConflict(work_id=work_id, juror_id=juror_id))
    jurors = round_jurors(session, round_)
    for juror in jurors:
        session.add(
            ConflictCheck(
                round_id=round_.id, juror_id=juror.id, fingerprint=fingerprint(juror_facts(juror))
            )
        )
    session.flush()
    return len(pairs), len(jurors)


def _undecided(session: AnySession, round_: Round) -> int:
    return len(check_round(session, round_).undecided)


def _at_freeze(
    session: AnySession, round_: Round, work_of_entry: Mapping[int, Work]
) -> dict[str, object]:
    excluded, checked = write_snapshot(session, round_=round_, work_of_entry=work_of_entry)
    return {"conflicts_excluded": excluded, "jurors_checked": checked}


# The jury's part of a round's scan freeze: every potential conflict decided before, and each
# work's conflicts written down at it (see scans.services.queue.FreezeStep).
FREEZE_STEP = FreezeStep(undecided=_undecided, at_freeze=_at_freeze)

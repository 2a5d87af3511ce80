"""What the public home page shows: each event with its published protocols, round by round; the
latest frozen rounds with their ledgers and draws. Plain data, read through the areas' models and
read sides in a few queries (the page is public and may be busy)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from integrity.db import AnySession
from integrity.jury.services.queries import round_draws
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.models import Event, Round, Subject
from integrity.registry.services import queries
from integrity.scans.services import queries as scans

LEDGER_ROUNDS = 5  # the latest frozen rounds the home page lists; the ledger lists them all
UNPUBLISHED = (ProtocolState.DRAFT, ProtocolState.FROZEN)


@dataclass(frozen=True)
class RoundResults:
    """A round's published protocols, one per grade: (protocol id, grade, final) each."""

    round: Round
    protocols: list[tuple[int, int, bool]]


@dataclass(frozen=True)
class EventResults:
    event: Event
    entries: int
    rounds: list[RoundResults] = field(default_factory=list)


@dataclass(frozen=True)
class LedgerRound:
    round: Round
    draw_ids: list[int]


def event_results(session: AnySession) -> list[EventResults]:
    """The newest events, each with its published protocols grouped by round."""
    events, counts = queries.latest_events_with_entries(session)
    by_round: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    rounds: dict[int, Round] = {}
    if events:
        rows = session.execute(
            select(Protocol.id, Protocol.grade, Protocol.state, Round)
            .join(Round, Round.id == Protocol.round_id)
            .join(Subject, Subject.id == Round.subject_id)
            .where(
                Subject.event_id.in_([e.id for e in events]),
                Protocol.state.not_in(UNPUBLISHED),
            )
            .order_by(Subject.id, Round.number, Protocol.grade)
        ).all()
        for protocol_id, grade, state, round_ in rows:
            rounds[round_.id] = round_
            final = state is ProtocolState.FINAL_PUBLISHED
            by_round[round_.id].append((protocol_id, grade, final))
    per_event: dict[int, list[RoundResults]] = defaultdict(list)
    for round_id, protocols in by_round.items():
        round_ = rounds[round_id]
        per_event[round_.subject.event_id].append(RoundResults(round_, protocols))
    return [EventResults(e, counts.get(e.id, 0), per_event.get(e.id, [])) for e in events]


def ledger_rounds(session: AnySession) -> list[LedgerRound]:
    """The latest frozen rounds (their ledgers are public) and their draws."""
    return [
        LedgerRound(round_, [d.id for d in round_draws(session, round_.id)])
        for round_, _state in scans.frozen_rounds(session)[:LEDGER_ROUNDS]
    ]

"""What the staff pages read, gathered here so the views only parse and render. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from integrity.db import AnySession
from integrity.diplomas.domain.published import Verdict, check
from integrity.diplomas.models import Batch, Diploma
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.models import Event, Round, Subject


@dataclass(frozen=True)
class EventPage:
    """An event's published final protocols with their batches, and every document issued."""

    protocols: list[Protocol]
    batches: dict[int, list[Batch]]
    docs: list[Diploma]


def subject_names(event: Event) -> list[str]:
    """What a single document may name as its subject: the event's subjects, kk then ru."""
    return [s.name_kk for s in event.subjects] + [s.name_ru for s in event.subjects]


def event_page(session: AnySession, event: Event) -> EventPage:
    protocols = list(
        session.execute(
            select(Protocol)
            .join(Round, Round.id == Protocol.round_id)
            .join(Subject, Subject.id == Round.subject_id)
            .where(Subject.event_id == event.id, Protocol.state == ProtocolState.FINAL_PUBLISHED)
            .order_by(Subject.code, Protocol.grade)
        ).scalars()
    )
    batches = {
        p.id: list(
            session.execute(
                select(Batch).where(Batch.protocol_id == p.id).order_by(Batch.id)
            ).scalars()
        )
        for p in protocols
    }
    docs = list(
        session.execute(
            select(Diploma).where(Diploma.event_id == event.id).order_by(Diploma.serial)
        ).scalars()
    )
    return EventPage(protocols, batches, docs)


# What the risk analysis reads of the diplomas (integrity.risk.services.facts).


def issued_and_unverifiable(
    session: AnySession, zone: ZoneInfo, since: dt.datetime, until: dt.datetime
) -> tuple[int, int]:
    """How many documents were issued in the period, and how many of them our own published
    keys do not verify."""
    from integrity.diplomas.services.keys import published_keys

    keys = published_keys(session, zone)
    issued = unverifiable = 0
    for (blob,) in session.execute(
        select(Diploma.payload).where(Diploma.created_at >= since, Diploma.created_at < until)
    ).all():
        issued += 1
        verdict = check(blob, keys, lambda _: None, unknown=Verdict.STATUS_UNKNOWN).verdict
        unverifiable += verdict is Verdict.NOT_ISSUED
    return issued, unverifiable


def batch_maker(session: AnySession, batch_id: int) -> int | None:
    """Who asked for a batch of documents (the checker who approved it must be someone else)."""
    batch = session.get(Batch, batch_id)
    return batch.requested_by_id if batch is not None else None

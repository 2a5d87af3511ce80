"""Appending to and checking the audit chain. Services flush; callers commit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select, update

from integrity.audit.chain import (
    ACTION_PATTERN,
    GENESIS,
    Actor,
    ChainReport,
    EventRecord,
    canonical_json,
    event_hash,
    format_time,
    verify_chain,
)
from integrity.audit.models import AuditEvent, AuditHead
from integrity.db import AnySession, utcnow


def _locked_head(session: AnySession) -> AuditHead:
    """The chain's head, read only once this transaction holds the right to append.

    A write comes first: on PostgreSQL it locks the head's row; on SQLite it takes the database's
    write lock (waiting up to the busy timeout) and, being this transaction's first write if
    nothing was written before, starts it there, so the head read next is the newest. Reading
    first, as SELECT … FOR UPDATE does, let two SQLite transactions read the same head and the
    second fail on the sequence number's uniqueness: simultaneous sign-ins answered 500.
    """
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def record_event(
    session: AnySession,
    *,
    actor: Actor,
    action: str,
    subject: str,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    if not ACTION_PATTERN.match(action):
        raise ValueError(f"audit action must look like 'area.verb', not {action!r}")
    data_text = canonical_json(dict(data or {}))
    head = _locked_head(session)
    at = utcnow()
    seq = head.seq + 1
    payload = {
        "seq": seq,
        "at": format_time(at),
        "actor_id": actor.id,
        "actor": actor.name,
        "action": action,
        "subject": subject,
        "data": dict(data or {}),
    }
    digest = event_hash(head.hash, payload)
    event = AuditEvent(
        seq=seq,
        at=at,
        actor_id=actor.id,
        actor=actor.name,
        action=action,
        subject=subject,
        data=data_text,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash = seq, digest
    session.flush()
    return event


def chain_head(session: AnySession) -> tuple[int, str]:
    head = session.get(AuditHead, 1)
    return (0, GENESIS) if head is None else (head.seq, head.hash)


def _records(session: AnySession) -> Iterator[EventRecord]:
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    )
    for (row,) in rows:
        yield EventRecord(
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            data=row.data,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


def verify(session: AnySession) -> ChainReport:
    """Recompute the whole chain from the stored rows (streamed, not loaded at once)."""
    head = session.get(AuditHead, 1)
    expected = None if head is None else (head.seq, head.hash)
    return verify_chain(_records(session), expected_head=expected)

"""Appending to and checking the audit chain. Services flush; callers commit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import Select, func, select, update

from integrity.audit.domain import (
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


def _matching(action: str) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    return query


def count_events(session: AnySession, *, action: str = "") -> int:
    """How many events the log shows for an action prefix ("" for all)."""
    query = _matching(action)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def list_events(
    session: AnySession, *, action: str = "", limit: int, offset: int = 0
) -> list[AuditEvent]:
    """One page of the log, newest first."""
    query = _matching(action).order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)
    return list(session.execute(query).scalars())


def events_between(
    session: AnySession, actions: Iterable[str], since: dt.datetime, until: dt.datetime
) -> list[AuditEvent]:
    """The events of these actions recorded in [since, until), oldest first."""
    return list(session.execute(
        select(AuditEvent)
        .where(AuditEvent.at >= since, AuditEvent.at < until, AuditEvent.action.in_(list(actions)))
        .order_by(AuditEvent.seq)
    ).scalars())  # fmt: skip


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


# Where each area keeps the heads it recorded when it published something: callables from a
# session to {head hash: what was published}; create_app lists them (see ``wiring``).
HeadSource = Callable[[AnySession], dict[str, str]]


def recorded_heads(session: AnySession, sources: Iterable[HeadSource]) -> dict[str, str]:
    """Every chain head the system recorded when it published something."""
    heads: dict[str, str] = {}
    for source in sources:
        heads.update(source(session))
    heads.pop(GENESIS, None)  # published before any event: nothing to find
    return heads


def read_saved_heads(text: str) -> dict[int, str]:
    """An observer's saved heads: one ``seq hash`` a line, as the home page and /audit/head.json
    show them (blank lines and # comments skipped). ValueError names a line that is neither."""
    saved: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        if (
            len(parts) != 2
            or not parts[0].isascii()
            or not parts[0].isdigit()
            or not re.fullmatch(r"[0-9a-f]{64}", parts[1].lower())
        ):
            raise ValueError(
                f"line {number}: expected 'seq hash', e.g. '42 9f86d0…' (64 hex digits)"
            )
        saved[int(parts[0])] = parts[1].lower()
    return saved


def verify(
    session: AnySession,
    *,
    published: Mapping[str, str] | None = None,
    saved: Mapping[int, str] | None = None,
) -> ChainReport:
    """Recompute the whole chain from the stored rows (streamed, not loaded at once), against the
    stored head, the heads recorded at publications and an observer's saved heads."""
    head = session.get(AuditHead, 1)
    expected = None if head is None else (head.seq, head.hash)
    return verify_chain(_records(session), expected_head=expected, published=published, saved=saved)

"""The audit chain's arithmetic. Pure: no Flask, no SQLAlchemy.

Each event's hash is SHA-256 over the previous hash (64 hex characters, ASCII) followed by the
canonical JSON of the event (keys sorted, no insignificant whitespace, UTF-8). Changing, inserting,
removing or reordering any event changes every hash after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
ACTION_PATTERN = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did it: a user (id and username at the time) or the system (id None)."""

    id: int | None
    name: str


SYSTEM = Actor(None, "system")


def canonical_json(value: Any) -> str:
    """Deterministic JSON. Floats are refused: their text form is not stable across platforms."""
    _reject_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("audit data must not contain floats; store integers or strings")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("audit data keys must be strings")
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)
    elif not isinstance(value, str | int | bool | type(None)):
        raise TypeError(f"audit data cannot hold {type(value).__name__}")


def format_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times are aware UTC datetimes")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class EventRecord:
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    subject: str
    data: str  # canonical JSON text, exactly as stored
    prev_hash: str
    hash: str

    def payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": format_time(self.at),
            "actor_id": self.actor_id,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "data": json.loads(self.data),
        }


def event_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(payload).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    events: int
    head: str
    first_broken: int | None = None
    reason: str = ""


def verify_chain(
    events: Iterable[EventRecord],
    *,
    expected_head: tuple[int, str] | None,
    published: Mapping[str, str] | None = None,
    saved: Mapping[int, str] | None = None,
) -> ChainReport:
    """Walk events in sequence order; name the first one that does not fit.

    ``expected_head`` is the separately stored (seq, hash) of the newest event: without it,
    deleting the newest events would leave a chain that is shorter but still internally
    consistent, so a chain with events and no stored head fails. ``published`` maps each head the
    system recorded when it published something (a protocol version, a ledger, a signed report)
    to what published it; each must be the hash of an event of the chain. ``saved`` maps sequence
    numbers to the hashes an observer saved (``seq hash`` lines from the home page or
    ``/audit/head.json``); each event there must still have that hash. A chain cut back behind
    any such head, or rewritten before it, fails; only a rewrite of everything, the published
    heads included, passes, which only witnesses outside the system can catch.
    """
    wanted = dict(published or {})
    saved = dict(saved or {})
    prev = GENESIS
    count = 0
    for event in events:
        count += 1
        if event.seq != count:
            return ChainReport(False, count - 1, prev, event.seq, f"sequence gap: expected {count}")
        if event.prev_hash != prev:
            return ChainReport(False, count - 1, prev, event.seq, "previous hash does not match")
        try:
            recomputed = event_hash(prev, event.payload())
        except (ValueError, TypeError) as exc:
            return ChainReport(False, count - 1, prev, event.seq, f"unreadable event: {exc}")
        if recomputed != event.hash:
            return ChainReport(False, count - 1, prev, event.seq, "content does not match its hash")
        if event.seq in saved and saved[event.seq] != event.hash:
            return ChainReport(False, count - 1, prev, event.seq,
                               "differs from the head an observer saved at this event")  # fmt: skip
        wanted.pop(event.hash, None)
        prev = event.hash
    if expected_head is None and count:
        return ChainReport(False, count, prev, count + 1,
                           "the stored head is missing: the newest events may have gone with it")  # fmt: skip
    if expected_head is not None and expected_head != (count, prev):
        seq, _ = expected_head
        return ChainReport(
            False, count, prev, min(seq, count + 1), "chain head does not match the stored head"
        )
    beyond = sorted(seq for seq in saved if seq > count)
    if beyond:
        return ChainReport(False, count, prev, count + 1,
                           f"shorter than the head an observer saved at event {beyond[0]}")  # fmt: skip
    if wanted:
        what = sorted(wanted.values())[0]
        return ChainReport(False, count, prev, count + 1,
                           f"the head recorded when {what} was published is not in the chain")  # fmt: skip
    return ChainReport(True, count, prev)

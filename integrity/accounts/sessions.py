"""Signed-in sessions, kept on the server: in the database by default, in Redis when configured.

The browser's cookie holds only a random token; the server keeps its SHA-256, the user, when the
session started and when it was last seen. Ending the server's record ends the session wherever
its cookie was copied: at sign-out, a password change, a change of roles, deactivation, or after
``SESSION_IDLE_MINUTES`` without a request or ``SESSION_MAX_HOURS`` in all.

``SESSION_STORE_URL`` chooses: empty keeps sessions in the ``sign_in`` table (one machine or
several sharing the database); ``redis://…`` keeps them in Redis, so several app servers share
them without a write to the database on every request. Ending sessions in Redis happens at once,
not with the caller's transaction: a change that then fails to commit has still signed the user
out, the safe side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, Protocol

from sqlalchemy import select, update

from integrity.accounts.models import SignIn, User
from integrity.db import AnySession, utcnow

SEEN_EVERY = dt.timedelta(minutes=1)  # how stale "last seen" may get, to spare a write a request
EXTENSION = "integrity.sessions"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore(Protocol):
    def start(self, session: AnySession, user: User) -> str:
        """A new session for ``user``; returns the token for the browser's cookie."""

    def user_of(
        self, session: AnySession, token: str | None, *, idle: dt.timedelta, longest: dt.timedelta
    ) -> User | None:
        """The active user of a live session, or None (an outlived session is ended)."""

    def end(self, session: AnySession, token: str | None, *, reason: str) -> None:
        """End one session."""

    def end_all_of(
        self, session: AnySession, user: User, *, reason: str, keep: str | None = None
    ) -> int:
        """End every live session of ``user`` but the one whose token is ``keep``."""


class DatabaseSessions:
    """Sessions as rows of ``sign_in``, ended rows kept with their reason."""

    def start(self, session: AnySession, user: User) -> str:
        token = secrets.token_urlsafe(32)
        session.add(SignIn(token_sha256=_digest(token), user_id=user.id))
        session.flush()
        return token

    def user_of(
        self, session: AnySession, token: str | None, *, idle: dt.timedelta, longest: dt.timedelta
    ) -> User | None:
        if not token:
            return None
        found = session.execute(  # one query on every signed-in request: the session and its user
            select(SignIn, User)
            .join(User, User.id == SignIn.user_id)
            .where(SignIn.token_sha256 == _digest(token))
        ).one_or_none()
        if found is None:
            return None
        row, user = found
        if row.ended_at is not None:
            return None
        now = utcnow()
        if now - row.seen_at > idle or now - row.started_at > longest:
            row.ended_at, row.end_reason = now, "timeout"
            return None
        if now - row.seen_at > SEEN_EVERY:
            row.seen_at = now
        return user if user.active else None

    def end(self, session: AnySession, token: str | None, *, reason: str) -> None:
        if token:
            session.execute(
                update(SignIn)
                .where(SignIn.token_sha256 == _digest(token), SignIn.ended_at.is_(None))
                .values(ended_at=utcnow(), end_reason=reason)
            )

    def end_all_of(
        self, session: AnySession, user: User, *, reason: str, keep: str | None = None
    ) -> int:
        query = update(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None))
        if keep:
            query = query.where(SignIn.token_sha256 != _digest(keep))
        ended = session.execute(query.values(ended_at=utcnow(), end_reason=reason))
        return int(ended.rowcount)  # type: ignore[attr-defined]


_TOUCH = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end"
)


class RedisSessions:
    """Sessions as Redis hashes (``user``, ``started``, ``seen``: epoch seconds) under
    ``<prefix>s:<sha256>``, with a set of each user's session digests under ``<prefix>u:<id>``.
    The timeouts are checked against the stored times; a key's expiry only collects the dead."""

    def __init__(self, client: Any, *, prefix: str = "integrity:session:") -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, digest: str) -> str:
        return f"{self.prefix}s:{digest}"

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}u:{user_id}"

    def start(self, session: AnySession, user: User) -> str:
        token = secrets.token_urlsafe(32)
        digest, now = _digest(token), utcnow().timestamp()
        with self.redis.pipeline() as pipe:
            pipe.hset(self._key(digest), mapping={"user": user.id, "started": now, "seen": now})
            pipe.expire(self._key(digest), 2 * 24 * 3600)  # outlives any setting's timeouts
            pipe.sadd(self._user_key(user.id), digest)
            pipe.expire(self._user_key(user.id), 2 * 24 * 3600)
            pipe.execute()
        return token

    def user_of(
        self, session: AnySession, token: str | None, *, idle: dt.timedelta, longest: dt.timedelta
    ) -> User | None:
        if not token:
            return None
        digest = _digest(token)
        record = self.redis.hgetall(self._key(digest))
        if not record or b"user" not in record or b"started" not in record:
            if record:  # only "seen", left by a touch that raced an ending: no session
                self.redis.delete(self._key(digest))
            return None
        user_id = int(record[b"user"])
        started, seen = float(record[b"started"]), float(record[b"seen"])
        now = utcnow().timestamp()
        if now - seen > idle.total_seconds() or now - started > longest.total_seconds():
            self._forget(user_id, [digest])
            return None
        if now - seen > SEEN_EVERY.total_seconds():
            # Only while the record is there: an ending between the read and this write must not
            # leave a record behind (the Lua script runs as one step on the server).
            self.redis.eval(_TOUCH, 1, self._key(digest), now)
        user = session.get(User, user_id)
        return user if user is not None and user.active else None

    def _forget(self, user_id: int, digests: list[str]) -> int:
        if not digests:
            return 0
        with self.redis.pipeline() as pipe:
            pipe.delete(*(self._key(d) for d in digests))
            pipe.srem(self._user_key(user_id), *digests)
            deleted, _ = pipe.execute()
        return int(deleted)

    def end(self, session: AnySession, token: str | None, *, reason: str) -> None:
        if not token:
            return
        digest = _digest(token)
        user = self.redis.hget(self._key(digest), "user")
        if user is not None:
            self._forget(int(user), [digest])

    def end_all_of(
        self, session: AnySession, user: User, *, reason: str, keep: str | None = None
    ) -> int:
        kept = _digest(keep) if keep else None
        digests = [
            d.decode() for d in self.redis.smembers(self._user_key(user.id)) if d.decode() != kept
        ]
        return self._forget(user.id, digests)


def open_sessions(url: str) -> SessionStore:
    """The store ``SESSION_STORE_URL`` names: empty for the database, ``redis://…`` for Redis."""
    if not url:
        return DatabaseSessions()
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        return RedisSessions(redis.Redis.from_url(url))
    raise ValueError(f"SESSION_STORE_URL must be empty or redis://…, not {url!r}")


class _HasExtensions(Protocol):
    """What ``sessions_of`` needs of a Flask app: the store is kept among its extensions. Named
    structurally so the services that take a ``SessionStore`` pull no Flask in with it."""

    extensions: dict[str, Any]


def sessions_of(app: _HasExtensions) -> SessionStore:
    store: SessionStore = app.extensions[EXTENSION]
    return store

"""Signed-in sessions live on the server, in the database or in Redis (``SESSION_STORE_URL``):
every test runs against both, through the real pages."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts import services
from integrity.accounts.domain import Role
from integrity.accounts.models import SignIn, User
from integrity.accounts.sessions import _TOUCH, DatabaseSessions, RedisSessions, sessions_of
from integrity.audit.domain.chain import Actor
from integrity.db import utcnow
from integrity.extensions import db
from integrity.settings import settings_of
from tests.conftest import PASSWORD, Users

REDIS_URL = os.environ.get("INTEGRITY_TEST_SESSIONS_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        if os.environ.get("INTEGRITY_REQUIRE_REDIS"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI sets INTEGRITY_REQUIRE_REDIS)")
    return REDIS_URL


@pytest.fixture(params=["database", "redis"])
def app_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    url = redis_or_skip() if request.param == "redis" else ""
    return {"WTF_CSRF_ENABLED": False, "SESSION_STORE_URL": url}


class Clock:
    """Moves a stored session's times back, whichever store holds it."""

    def __init__(self, app: Flask) -> None:
        self.store = sessions_of(app)

    def live(self) -> int:
        if isinstance(self.store, DatabaseSessions):
            return db.session.scalar(
                select(func.count()).select_from(SignIn).where(SignIn.ended_at.is_(None))
            )
        assert isinstance(self.store, RedisSessions)
        return len(self.store.redis.keys(f"{self.store.prefix}s:*"))

    def _times(self) -> tuple[Any, Any]:
        if isinstance(self.store, DatabaseSessions):
            row = db.session.execute(select(SignIn).where(SignIn.ended_at.is_(None))).scalar_one()
            return row, None
        assert isinstance(self.store, RedisSessions)
        (key,) = self.store.redis.keys(f"{self.store.prefix}s:*")
        return None, key

    def set(
        self, *, seen_ago: dt.timedelta | None = None, started_ago: dt.timedelta | None = None
    ) -> None:
        row, key = self._times()
        now = utcnow()
        for name, ago in (("seen", seen_ago), ("started", started_ago)):
            if ago is None:
                continue
            if row is not None:
                setattr(row, f"{name}_at", now - ago)
            else:
                assert isinstance(self.store, RedisSessions)
                self.store.redis.hset(key, name, (now - ago).timestamp())
        db.session.commit()

    def seen_ago(self) -> dt.timedelta:
        row, key = self._times()
        if row is not None:
            db.session.refresh(row)
            return utcnow() - row.seen_at
        assert isinstance(self.store, RedisSessions)
        seen = float(self.store.redis.hget(key, "seen"))
        return utcnow() - dt.datetime.fromtimestamp(seen, tz=dt.UTC)


def opens(browser: FlaskClient, path: str = "/registry/participants") -> int:
    """A request as from a new visit. Test requests share the test's app context, where
    Flask-Login keeps the user it loaded: forget it, as every real request does."""
    g.pop("_login_user", None)
    return browser.get(path).status_code


def signed_in_copy(app: Flask, client: FlaskClient, user: User) -> FlaskClient:
    """Sign in through the page, then copy the session cookie into a second browser."""
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_the_configured_store_holds_the_sessions(app: Flask, users: Users) -> None:
    store = sessions_of(app)
    wanted = RedisSessions if settings_of(app).session_store_url else DatabaseSessions
    assert isinstance(store, wanted)
    user = users.make(Role.ORGANISER)
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert Clock(app).live() == 1
    db_rows = db.session.scalar(select(func.count()).select_from(SignIn))
    assert db_rows == (1 if wanted is DatabaseSessions else 0)


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    user = users.make(Role.ORGANISER)
    thief = signed_in_copy(app, client, user)
    assert opens(thief) == 200
    client.post("/logout")
    assert Clock(app).live() == 0
    after = thief.get("/registry/participants")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")


@pytest.mark.parametrize("change", ["roles", "deactivation", "password", "own password"])
def test_a_change_of_roles_password_or_deactivation_ends_every_session_of_the_user(
    app: Flask, client: FlaskClient, users: Users, change: str
) -> None:
    user = users.make(Role.ORGANISER)
    thief = signed_in_copy(app, client, user)
    second = signed_in_copy(app, app.test_client(), user)
    assert opens(thief) == 200 and opens(second) == 200
    admin, store = Actor(None, "test"), sessions_of(app)
    if change == "roles":
        services.set_roles(
            db.session,
            actor=admin,
            user=user,
            roles=[Role.ORGANISER, Role.OBSERVER],
            sessions=store,
        )
    elif change == "deactivation":
        services.set_active(db.session, actor=admin, user=user, active=False, sessions=store)
    else:
        with second.session_transaction() as kept:
            keep = kept["sid"] if change == "own password" else None
        services.set_password(
            db.session,
            actor=admin,
            user=user,
            password="a brand new passphrase",
            sessions=store,
            keep=keep,
        )
    db.session.commit()
    for browser in (client, thief):
        assert opens(browser) == 302
    # The user changing their own password stays signed in there, and only there.
    assert opens(second) == (200 if change == "own password" else 302)


def test_a_session_ends_after_its_idle_and_its_absolute_timeouts(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    clock = Clock(app)
    user = users.make(Role.ORGANISER)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    clock.set(seen_ago=dt.timedelta(minutes=119))  # marking for hours: still in
    assert opens(client) == 200
    assert clock.seen_ago() < dt.timedelta(minutes=1)  # seen again
    clock.set(started_ago=dt.timedelta(hours=12, minutes=1))
    assert opens(client) == 302
    assert clock.live() == 0

    client.post("/login", data={"username": user.username, "password": PASSWORD})
    clock.set(seen_ago=dt.timedelta(minutes=121))
    assert opens(client) == 302
    assert clock.live() == 0


def test_an_outlived_database_session_keeps_its_reason(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    if not isinstance(sessions_of(app), DatabaseSessions):
        pytest.skip("the database keeps ended sessions with a reason; Redis forgets them")
    user = users.make(Role.ORGANISER)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    Clock(app).set(started_ago=dt.timedelta(hours=13))
    assert opens(client) == 302
    assert db.session.execute(select(SignIn)).scalar_one().end_reason == "timeout"


def test_a_redis_session_ended_while_it_was_being_seen_stays_ended(
    app: Flask, client: FlaskClient, users: Users
) -> None:
    store = sessions_of(app)
    if not isinstance(store, RedisSessions):
        pytest.skip("a race of Redis' own")
    user = users.make(Role.ORGANISER)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    (key,) = store.redis.keys(f"{store.prefix}s:*")
    store.redis.delete(key)  # signed out in another tab, between the read and the touch
    store.redis.eval(_TOUCH, 1, key, utcnow().timestamp())
    assert not store.redis.exists(key)  # the touch did not bring a record back
    store.redis.hset(key, "seen", utcnow().timestamp())  # as an older version could leave it
    assert opens(client) == 302 and not store.redis.exists(key)

"""Shared fixtures: a real database built by the migrations, an app per test, users per role.

SQLite (default): the migrations run once into a template file; each test gets a fresh copy.
PostgreSQL (INTEGRITY_TEST_DATABASE_URL): the migrations run once; each test starts from empty
tables (TRUNCATE … RESTART IDENTITY).

A test that asks for ``demo`` (or ``demo_without_scans``) starts from the demo instead. The demo is
loaded once per session into a template of its own, with the data folder of the files it stores,
and each test gets a fresh copy of both, so a test may change it freely: a copied file on SQLite,
a database made with ``CREATE DATABASE … TEMPLATE`` on PostgreSQL (0.4–0.7 s a test, where loading
the demo took 7 s without its scans and 23 s with them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, g
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, func, make_url, select, text

from integrity import create_app
from integrity.accounts import services as account_services
from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.accounts.sessions import sessions_of
from integrity.audit.domain.chain import Actor
from integrity.audit.models import AuditEvent
from integrity.db import Base
from integrity.extensions import db, limiter

PG_URL = os.environ.get("INTEGRITY_TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery"
TEST_HOST = "olimp.example.kz"


def _migrate(url: str, instance: Path) -> None:
    app = create_app(_settings(url, instance), instance_path=str(instance))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


def _settings(url: str, instance: Path, **extra: Any) -> dict[str, Any]:
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "DATA_DIR": str(instance / "data"),
        "RATELIMIT_STORAGE_URL": "memory://",
        "LOG_LEVEL": "WARNING",
        # Diplomas are not printed with the built-in placeholder host outside development.
        "PUBLIC_HOST": TEST_HOST,
        **extra,
    }


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a template file for SQLite, the migrated schema for PostgreSQL."""
    instance = tmp_path_factory.mktemp("template")
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(PG_URL, instance)
        return PG_URL
    path = instance / "template.sqlite3"
    _migrate(f"sqlite:///{path}", instance)
    return str(path)


def _pg_url(database: str) -> str:
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


def _pg_name(suffix: str) -> str:
    """A database of the test run's own, named after the test database (``integrity_ci_demo``)."""
    return f"{make_url(PG_URL).database}_{suffix}"


class PgDatabases:
    """Creates the PostgreSQL databases the demo tests use, and drops them at the end."""

    def __init__(self) -> None:
        self.admin: Engine = create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
        self.made: dict[str, None] = {}

    def recreate(self, name: str, template: str | None = None) -> str:
        """An empty database ``name``, or a copy of ``template``; its URL."""
        like = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"{like}'))
        self.made[name] = None
        return _pg_url(name)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    databases = PgDatabases()
    yield databases
    databases.drop_all()


@dataclass(frozen=True)
class Seed:
    """What a test's instance starts from, other than the empty migrated database: a database to
    copy (a file on SQLite, a template database's name on PostgreSQL) and a data folder."""

    database: str | None = None
    data: Path | None = None
    demo: dict[str, Any] = field(default_factory=dict)


DEMOS = {  # the fixture a test asks for → the demo it starts from, kept small
    "demo": {"participants": 60},  # with the scan step
    "demo_without_scans": {"participants": 60, "scans": False},
}


def _demo_seed(
    request: pytest.FixtureRequest, name: str, template: str, options: dict[str, Any]
) -> Seed:
    """The demo loaded once into a migrated database of its own, with the files it stores."""
    from integrity.demo.loader import load_demo

    instance = request.getfixturevalue("tmp_path_factory").mktemp(name)
    if PG_URL:
        database = _pg_name(f"{name}_template")
        url = request.getfixturevalue("pg_databases").recreate(database)
        _migrate(url, instance)
    else:
        database = str(instance / "demo.sqlite3")
        shutil.copyfile(template, database)
        url = f"sqlite:///{database}"
    app = create_app(_settings(url, instance), instance_path=str(instance))
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(account_services, "PASSWORD_METHOD", FAST_PASSWORDS)
        load_demo(db.session, **options)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Seed(database, instance / "data", options)


@pytest.fixture(scope="session")
def demo_seed(request: pytest.FixtureRequest, database_template: str) -> Seed:
    return _demo_seed(request, "demo", database_template, DEMOS["demo"])


@pytest.fixture(scope="session")
def demo_without_scans_seed(request: pytest.FixtureRequest, database_template: str) -> Seed:
    return _demo_seed(request, "demo_without_scans", database_template, DEMOS["demo_without_scans"])


@pytest.fixture
def seed(request: pytest.FixtureRequest) -> Seed:
    """The demo when the test asks for one (see DEMOS), else nothing but the migrated schema."""
    for name in DEMOS:
        if name in request.fixturenames:
            found: Seed = request.getfixturevalue(f"{name}_seed")
            return found
    return Seed()


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, database_template: str, seed: Seed, tmp_path: Path
) -> str:
    if PG_URL and seed.database:
        databases: PgDatabases = request.getfixturevalue("pg_databases")
        return databases.recreate(_pg_name("demo_copy"), template=seed.database)
    if PG_URL:
        engine = create_engine(PG_URL)
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return PG_URL
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(seed.database or database_template, target)
    return f"sqlite:///{target}"


# Production uses scrypt N=2**15; tests use a cheap N so hundreds of users stay fast.
# test_passwords_are_hashed_with_scrypt checks the production setting itself.
FAST_PASSWORDS = "scrypt:1024:8:1"


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(account_services, "PASSWORD_METHOD", FAST_PASSWORDS)


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Override in a test module to change settings (e.g. WTF_CSRF_ENABLED)."""
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def app(
    database_url: str, seed: Seed, tmp_path: Path, app_settings: dict[str, Any]
) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    if seed.data and seed.data.exists():
        shutil.copytree(seed.data, instance / "data")
    application = create_app(
        _settings(database_url, instance, **app_settings), instance_path=str(instance)
    )
    with application.app_context():
        limiter.reset()  # counters live in the process; each test starts with none
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


@pytest.fixture
def demo(app: Flask, seed: Seed) -> None:
    """The test starts from the demo of DEMOS["demo"] (a fresh copy: it may change it)."""
    assert seed.demo == DEMOS["demo"]


@pytest.fixture
def demo_without_scans(app: Flask, seed: Seed) -> None:
    """The test starts from the demo of DEMOS["demo_without_scans"] (a fresh copy)."""
    assert seed.demo == DEMOS["demo_without_scans"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Users:
    """Creates users on demand, one per role by default."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.count = 0

    def make(self, *roles: Role, username: str | None = None, locale: str | None = None) -> User:
        self.count += 1
        user = account_services.create_user(
            db.session,
            actor=Actor(None, "test"),
            username=username or f"user{self.count}",
            display_name=f"Test User {self.count}",
            password=PASSWORD,
            roles=list(roles) or [Role.OBSERVER],
            locale=locale,
        )
        db.session.commit()
        return user


@pytest.fixture
def users(app: Flask) -> Users:
    return Users(app)


def login(client: FlaskClient, user: User) -> None:
    """Sign ``user`` in as the login page does: a server-side session, its token in the cookie."""
    token = sessions_of(current_app).start(db.session, user)
    db.session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True
        flask_session["sid"] = token
    # Test requests run inside the test's app context, where Flask-Login caches the user it
    # loaded on ``g``: forget it, so a test that acted anonymously first is now signed in.
    g.pop("_login_user", None)


@pytest.fixture
def as_role(client: FlaskClient, users: Users) -> Any:
    def sign_in(*roles: Role) -> User:
        user = users.make(*roles)
        login(client, user)
        return user

    return sign_in


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@contextmanager
def expect_events(*actions: str) -> Iterator[list[AuditEvent]]:
    """Assert the block records exactly these audit events, in this order, and nothing else."""
    before = event_count()
    recorded: list[AuditEvent] = []
    yield recorded
    db.session.flush()
    new = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
        )
        .scalars()
        .all()
    )
    recorded.extend(new)
    assert [e.action for e in new] == list(actions), (
        f"expected {actions}, got {[e.action for e in new]}"
    )


def assert_ingested_exactly_once(upload_id: int) -> None:
    """The upload (of the four-entry round's 12 pages) was read once: every page, none twice, one
    ingest event, no failure, and the audit chain intact."""
    from integrity.audit.services import verify
    from integrity.scans.models import ScanPage, Upload

    db.session.rollback()
    upload = db.session.get(Upload, upload_id)
    assert upload is not None
    db.session.refresh(upload)
    assert upload.status == "done"
    indices = db.session.execute(
        select(ScanPage.index).where(ScanPage.upload_id == upload_id)
    ).scalars().all()  # fmt: skip
    assert sorted(indices) == list(range(12))  # every page, none twice
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("scans.ingest") == 1
    assert "scans.ingest_failed" not in actions
    assert verify(db.session).ok


REDIS_URL = os.environ.get("INTEGRITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip() -> str:
    """The test Redis's URL, or skip the test where there is none (CI requires one)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("INTEGRITY_REQUIRE_REDIS"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI sets INTEGRITY_REQUIRE_REDIS)")
    return REDIS_URL


@pytest.fixture
def round_world(session: Any) -> dict[str, Any]:
    """A registered round of four entries with its vault: ``factories.registered_round``."""
    from tests import factories

    return factories.registered_round(session)


TIERS = {"unit": pytest.mark.unit, "integration": pytest.mark.integration, "web": pytest.mark.web}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test carries its folder's tier as a marker (``-m unit``, ``-m "not browser"``, …); the
    browser folder marks its own. A pure test marked ``slow`` (rendering and reading images,
    building a wheel) is in the slow tier instead of the unit one, so ``-m unit`` stays a quick
    loop; ``-m "not browser and not processes"`` and the whole suite still run it."""
    for item in items:
        folder = item.path.parent.name
        if folder == "unit" and item.get_closest_marker("slow"):
            continue
        if folder in TIERS:
            item.add_marker(TIERS[folder])

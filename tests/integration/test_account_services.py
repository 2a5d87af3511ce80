from __future__ import annotations

from typing import Any

import pytest

from integrity.accounts import services
from integrity.accounts.domain import Role
from integrity.accounts.sessions import DatabaseSessions
from integrity.audit.domain.chain import Actor
from integrity.errors import Conflict, InvalidInput
from tests.conftest import expect_events

ADMIN = Actor(None, "test")
DB = DatabaseSessions()


def make(session: Any, username: str = "aigerim", *roles: Role) -> Any:
    return services.create_user(
        session,
        actor=ADMIN,
        username=username,
        display_name="Айгерім",
        password="long-enough-1",
        roles=list(roles) or [Role.ORGANISER],
    )


def test_each_account_service_records_exactly_one_event(session: Any) -> None:
    with expect_events("accounts.create_user"):
        user = make(session)
    with expect_events("accounts.set_roles"):
        services.set_roles(
            session, actor=ADMIN, user=user, roles=[Role.ORGANISER, Role.CHAIR], sessions=DB
        )
    assert user.roles == {Role.ORGANISER, Role.CHAIR}
    with expect_events():
        services.set_roles(
            session, actor=ADMIN, user=user, roles=[Role.CHAIR, Role.ORGANISER], sessions=DB
        )
    with expect_events("accounts.set_password"):
        services.set_password(
            session, actor=ADMIN, user=user, password="another-long-1", sessions=DB
        )
    with expect_events("accounts.set_active"):
        services.set_active(session, actor=ADMIN, user=user, active=False, sessions=DB)
    with expect_events("accounts.set_locale"):
        services.set_locale(session, actor=ADMIN, user=user, locale="ru")
    with expect_events("accounts.login"):
        services.record_login(session, user=user)
    with expect_events("accounts.logout"):
        services.record_logout(session, user=user)


def test_usernames_are_unique_ignoring_case(session: Any) -> None:
    make(session, "aigerim")
    with pytest.raises(Conflict), expect_events():
        make(session, "AIGERIM")


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("ai", "long-enough-1", "username"),
        ("айгерім", "long-enough-1", "username"),
        ("aigerim", "short", "password"),
        ("aigerim1234", "aigerim1234", "password"),
    ],
)
def test_bad_usernames_and_passwords_are_refused_at_their_field(
    session: Any, username: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused, expect_events():
        services.create_user(
            session,
            actor=ADMIN,
            username=username,
            display_name="x",
            password=password,
            roles=[Role.JUROR],
        )
    assert refused.value.details["field"] == field


def test_a_user_needs_at_least_one_role(session: Any) -> None:
    with pytest.raises(InvalidInput), expect_events():
        services.create_user(
            session,
            actor=ADMIN,
            username="noroles",
            display_name="x",
            password="long-enough-1",
            roles=[],
        )

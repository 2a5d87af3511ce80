from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts import services
from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.audit.models import AuditEvent
from integrity.extensions import db
from tests.conftest import PASSWORD, Users


def sign_in(client: FlaskClient, username: str, password: str, **extra: str) -> Any:
    return client.post("/login", data={"username": username, "password": password, **extra})


def test_a_user_signs_in_and_out_and_both_are_audited(client: FlaskClient, users: Users) -> None:
    user = users.make(Role.ORGANISER, username="aigerim")
    response = sign_in(client, "aigerim", PASSWORD)
    assert response.status_code == 302
    assert client.get("/registry/events").status_code == 200
    client.post("/logout")
    assert client.get("/registry/events").status_code == 302
    actions = [
        e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    ]
    assert actions[-2:] == ["accounts.login", "accounts.logout"]
    assert (
        db.session.execute(select(AuditEvent).filter_by(action="accounts.login"))
        .scalar_one()
        .actor_id
        == user.id
    )


def test_a_wrong_password_is_refused_with_a_message_in_the_users_language(
    client: FlaskClient, users: Users
) -> None:
    users.make(Role.ORGANISER, username="aigerim")
    page = sign_in(client, "aigerim", "wrong-password").get_data(as_text=True)
    assert "Пайдаланушы аты немесе құпиясөз қате" in page
    with client.session_transaction() as s:
        s["locale"] = "ru"
    page = sign_in(client, "aigerim", "wrong-password").get_data(as_text=True)
    assert "Неверное имя пользователя или пароль" in page


def test_login_redirects_only_to_local_pages(client: FlaskClient, users: Users) -> None:
    users.make(Role.ORGANISER, username="aigerim")
    response = sign_in(client, "aigerim", PASSWORD, next="https://evil.example/phish")
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = sign_in(client, "aigerim", PASSWORD, next="/registry/events")
    assert response.headers["Location"] == "/registry/events"


def test_an_inactive_user_cannot_sign_in(client: FlaskClient, users: Users) -> None:
    user = users.make(Role.ORGANISER, username="gone")
    user.active = False
    db.session.commit()
    assert sign_in(client, "gone", PASSWORD).status_code == 200
    assert client.get("/registry/events").status_code == 302


class TestRateLimit:
    @pytest.fixture
    def app_settings(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_login_is_rate_limited_with_a_clear_message(
        self, client: FlaskClient, users: Users
    ) -> None:
        users.make(Role.ORGANISER, username="aigerim")
        for _ in range(3):
            assert sign_in(client, "aigerim", "wrong-password").status_code == 200
        response = sign_in(client, "aigerim", PASSWORD)
        assert response.status_code == 429
        assert "Әрекеттер тым көп" in response.get_data(as_text=True)
        assert (
            client.get("/registry/events").status_code == 302
        )  # the right password did not get in


def test_session_cookies_are_httponly_and_samesite(client: FlaskClient, users: Users) -> None:
    users.make(Role.ORGANISER, username="aigerim")
    response = sign_in(client, "aigerim", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_passwords_are_hashed_with_scrypt_and_never_stored_plainly(
    users: Users, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the production cost, not the fast test setting
    assert services.PASSWORD_METHOD == "scrypt:32768:8:1"
    user = users.make(Role.ORGANISER)
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert PASSWORD not in user.password_hash


def test_language_choice_is_remembered_on_the_users_account(
    client: FlaskClient, users: Users
) -> None:
    user = users.make(Role.ORGANISER, username="aigerim")
    sign_in(client, "aigerim", PASSWORD)
    client.post("/language", data={"locale": "ru", "next": "/"})
    assert db.session.get(User, user.id).locale == "ru"
    client.post("/logout")
    fresh = client.application.test_client()
    sign_in(fresh, "aigerim", PASSWORD)
    assert '<html lang="ru">' in fresh.get("/").get_data(as_text=True)


def test_admin_creates_a_user_from_the_users_page(client: FlaskClient, as_role: Any) -> None:
    as_role(Role.ADMIN)
    response = client.post(
        "/admin/users",
        data={
            "username": "Chair.One",
            "display_name": "Төраға",
            "password": "long-enough-pass",
            "roles": ["chair", "observer"],
        },
    )
    assert response.status_code == 302
    created = db.session.execute(select(User).filter_by(username="chair.one")).scalar_one()
    assert created.roles == {Role.CHAIR, Role.OBSERVER}


def test_users_add_reads_the_password_from_standard_input(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "add",
            "director2",
            "--role",
            "director",
            "--role",
            "observer",
            "--name",
            "Директор",
        ],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).filter_by(username="director2")).scalar_one()
    assert user.roles == {Role.DIRECTOR, Role.OBSERVER}
    assert services.authenticate(db.session, "director2", "a-long-password") is not None


def test_users_add_refuses_a_short_password_and_writes_nothing(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "add", "someone", "--role", "juror"], input="short\n"
    )
    assert result.exit_code == 1
    assert "10" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


class TestCsrf:
    @pytest.fixture
    def app_settings(self) -> dict[str, Any]:
        return {}  # CSRF on, as in production

    def test_every_form_post_without_a_token_is_refused(
        self, app: Flask, client: FlaskClient, users: Users
    ) -> None:
        from tests.conftest import login

        login(client, users.make(*Role))
        posts = [
            (rule.rule, rule.endpoint)
            for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or set())
        ]
        assert len(posts) > 10
        for path, endpoint in posts:
            url = re.sub(
                r"<(?:int:)?(\w+)>", lambda m: "participants" if m.group(1) == "kind" else "1", path
            )
            response = client.post(url, data={"username": "x", "password": "y"})
            assert response.status_code == 400, (endpoint, response.status_code)

    def test_a_form_with_its_token_is_accepted(self, client: FlaskClient, users: Users) -> None:
        users.make(Role.ORGANISER, username="aigerim")
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token is not None
        response = sign_in(client, "aigerim", PASSWORD, csrf_token=token.group(1))
        assert response.status_code == 302

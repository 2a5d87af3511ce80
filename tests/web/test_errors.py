"""Bad requests get a clear page (or JSON) in the user's language, never a traceback."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.logs import JsonFormatter
from integrity.registry.models import Participant
from integrity.web.access import public
from tests import factories as f


def test_an_unknown_page_answers_404_in_kazakh_and_in_russian(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Мұндай бет жоқ" in response.get_data(as_text=True)
    with client.session_transaction() as s:
        s["locale"] = "ru"
    assert "Такой страницы нет" in client.get("/no/such/page").get_data(as_text=True)


def test_a_wrong_method_answers_405_and_names_the_allowed_ones(client: FlaskClient) -> None:
    response = client.delete("/login")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_clients_that_ask_for_json_get_a_json_error(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["status"] == 404
    assert body["error"]["message"] == "Мұндай бет жоқ."


class TestUploadLimit:
    @pytest.fixture
    def app_settings(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": False, "MAX_UPLOAD_MB": 1}

    def test_an_oversized_upload_is_refused_with_the_limit_named(
        self, client: FlaskClient, as_role: Any, session: Any
    ) -> None:
        as_role(Role.ORGANISER)
        event = f.event(session)
        session.commit()
        response = client.post(
            f"/registry/events/{event.id}/import/participants",
            data={"file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        assert "1 МБ" in response.get_data(as_text=True)
        assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_a_malformed_upload_names_the_file_and_saves_nothing(
    client: FlaskClient, as_role: Any, session: Any
) -> None:
    as_role(Role.ORGANISER)
    event = f.event(session)
    session.commit()
    response = client.post(
        f"/registry/events/{event.id}/import/participants",
        data={"file": (io.BytesIO(b"PK\x03\x04broken zip"), "list.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="refused"' in page
    assert "list.xlsx" in page
    assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_an_unexpected_error_shows_a_page_in_the_users_language_without_a_traceback(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", "broken", public(broken))
    response = client.get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and "secret internals" not in page
    assert "Жүйе тарапында қате орын алды" in page


def test_request_logs_are_json_lines_with_the_user_and_never_the_query_string(
    app: Flask, client: FlaskClient, as_role: Any
) -> None:
    logger = logging.getLogger("integrity")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        user = as_role(Role.ORGANISER)
        iin = f.iin(1)
        client.get(f"/registry/participants?q={iin}")
        client.post("/login", data={"username": "x", "password": "my-secret-password"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "integrity.request"]
    assert request_lines[0]["path"] == "/registry/participants"
    assert request_lines[0]["user_id"] == str(user.id)
    assert request_lines[0]["status"] == 200
    text = json.dumps(lines, ensure_ascii=False)
    assert iin not in text
    assert "my-secret-password" not in text

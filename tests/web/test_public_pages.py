from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from integrity.accounts.domain import Role
from integrity.audit.services import chain_head
from integrity.extensions import db
from tests.conftest import Users


def test_home_page_shows_the_current_audit_chain_head(client: FlaskClient, users: Users) -> None:
    users.make(Role.ADMIN)  # records one event, so the head is not the genesis value
    seq, digest = chain_head(db.session)
    page = client.get("/").get_data(as_text=True)
    assert seq == 1
    assert digest in page
    assert f'data-testid="head-seq">{seq}<' in page


def test_home_page_is_in_kazakh_by_default(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="kk">' in page


def test_health_endpoint_answers_without_signing_in(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_every_page_carries_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_hold_no_inline_scripts_or_styles(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page


def test_the_footer_names_the_organisation_of_the_settings_in_force(
    app: Flask, client: FlaskClient
) -> None:
    from integrity.settings import install, settings_of

    install(app, settings_of(app).replace(organisation_kk="«Жаңа дарын» орталығы"))
    assert "«Жаңа дарын» орталығы" in client.get(
        "/?lang=kk", headers={"Accept-Language": "kk"}
    ).get_data(as_text=True)

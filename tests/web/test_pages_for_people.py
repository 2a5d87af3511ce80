"""Every page as people meet it: labelled fields, one heading, no IIN on public pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.registry.models import Participant
from tests.conftest import Users, login


class FormAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.h1 = 0
        self.open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        elif tag == "h1":
            self.h1 += 1
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type") in ("hidden", "submit", "button"):
                return
            self.fields.append({**a, "wrapped": "yes" if self.open_labels else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_labels -= 1


def get_pages(app: Flask) -> list[str]:
    """Every HTML page reachable by GET (files and JSON answers left out)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or {"fmt", "doc"} & set(rule.arguments):
            continue
        if rule.rule.endswith((".pdf", ".json", ".jpg", ".py", ".csv", ".zip")):
            continue
        if rule.endpoint in ("static", "public.health", "public.audit_head"):
            continue
        samples = {"kind": "participants", "code": "protocols_late"}
        values = {arg: samples.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, **values))
    return urls


def test_every_field_on_every_page_has_a_label_and_every_page_one_heading(
    app: Flask, client: FlaskClient, users: Users, demo: None
) -> None:
    login(client, users.make(*Role))
    checked = 0
    for url in get_pages(app):
        response = client.get(url)
        if response.status_code == 404 and url.startswith(
            (
                "/scans/uploads/",
                "/ledger/rounds/",
                "/jury/works/",
                "/results/protocols/",
                "/appeal/work",
            )
        ):
            continue  # no upload 1, frozen round 1 or published protocol 1 here; work 1 not ours
        if response.status_code == 302 and url == "/diplomas/batches/1/approve":
            continue  # the demo's batch 1 is decided: its approval asks nothing, back to the batch
        if response.status_code == 302 and url == "/protocols/rounds/1/freeze":
            continue  # no grade chosen: back to the round's page, one freeze button per grade
        assert response.status_code == 200, url
        audit = FormAudit()
        audit.feed(response.get_data(as_text=True))
        assert audit.h1 == 1, f"{url}: {audit.h1} <h1>"
        for field in audit.fields:
            labelled = (
                field.get("id") in audit.label_for
                or field.get("aria-label")
                or field.get("wrapped")
            )
            assert labelled, f"{url}: unlabelled field {field.get('name')}"
            checked += 1
    assert checked > 40


def test_public_pages_never_show_an_iin_or_a_participants_name(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    participants = db.session.execute(select(Participant)).scalars().all()
    iins = {p.iin for p in participants}
    hidden_names = {p.full_name for p in participants if not p.consent_public}
    for url in ["/", "/login", "/audit/head.json", "/no-such-page"]:
        page = client.get(url).get_data(as_text=True)
        assert not iins & set(re.findall(r"\d{12}", page)), url
        assert not any(name in page for name in hidden_names), url


def test_the_audit_log_never_holds_an_iin(
    app: Flask, demo: None, client: FlaskClient, users: Users
) -> None:
    login(client, users.make(Role.OBSERVER))
    iins = {p.iin for p in db.session.execute(select(Participant)).scalars()}
    text = "".join(client.get(f"/audit/?page={n}").get_data(as_text=True) for n in range(1, 6))
    assert not iins & set(re.findall(r"\d{12}", text))


def test_pages_work_in_russian_with_cyrillic_intact(
    client: FlaskClient, users: Users, demo: None
) -> None:
    login(client, users.make(Role.ORGANISER, locale="ru"))
    page = client.get("/registry/events/1").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Математика" in page
    assert "Импорт участников" in page

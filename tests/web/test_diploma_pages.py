"""The public verification page, the manual look-up, the published lists, and the staff pages."""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.diplomas.domain import DocType, Serial, published
from integrity.diplomas.models import Batch, BatchState, Diploma
from integrity.diplomas.services.rendering import link
from integrity.extensions import db
from integrity.logs import JsonFormatter
from integrity.settings import settings_of
from tests.conftest import login
from tests.factories import final_protocol, issued_batch


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "DIPLOMA_LOOKUP_RATE_LIMIT": "6 per minute"}


def path_of(doc: Diploma) -> str:
    return "/v/" + link(doc, settings_of(current_app).host).rsplit("/", 1)[-1]


def verdict_of(html: str) -> str:
    found = re.search(r'data-verdict="([a-z_]+)"', html)
    assert found, html
    return found.group(1)


def test_the_qr_link_opens_a_verdict_page_without_script_or_indexing(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    doc = made[0]
    response = client.get(path_of(doc))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and verdict_of(html) == "genuine"
    assert doc.serial in html and doc.name in html and doc.school in html
    assert "<script" not in html
    assert '<meta name="robots" content="noindex' in html
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert 'name="viewport"' in html


def test_a_tampered_link_says_not_issued_by_us_and_is_no_error_page(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    path = path_of(made[0])
    code = path.rsplit("/", 1)[-1]
    flipped = code[:30] + ("a" if code[30] != "a" else "b") + code[31:]
    for bad in (f"/v/{flipped}", f"/v/{code[:-8]}", "/v/zzzz", "/v/" + "1" * 40):
        response = client.get(bad)
        assert response.status_code == 200, bad
        assert verdict_of(response.get_data(as_text=True)) == "not_issued"


def test_the_verdict_speaks_kazakh_russian_and_english(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    words = {}
    for locale in ("kk", "ru", "en"):
        client.post("/language", data={"locale": locale, "next": "/"})
        html = client.get(path_of(made[0])).get_data(as_text=True)
        assert f'<html lang="{locale}">' in html
        words[locale] = re.search(r'class="verdict-word">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert len(set(words.values())) == 3, words


def issued_with_surname(session: Any, users: Any) -> tuple[Diploma, str]:
    """An issued diploma and the surname printed on it."""
    _, _, made = issued_batch(session, users)
    session.commit()
    return made[0], made[0].name.split(" ")[0]


def test_lookup_finds_by_serial_and_surname_and_answers_every_miss_alike(
    client: Any, session: Any, users: Any
) -> None:
    doc, surname = issued_with_surname(session, users)
    logger = logging.getLogger("integrity")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    hit = client.post("/v/", data={"serial": doc.serial.lower(), "surname": surname.lower()})
    assert verdict_of(hit.get_data(as_text=True)) == "genuine"
    client.get(path_of(doc))

    def miss(serial: str, name: str) -> str:
        html = client.post("/v/", data={"serial": serial, "surname": name}).get_data(as_text=True)
        assert 'aria-invalid="true"' in html and "data-verdict" not in html
        return re.sub(r'value="[^"]*"', "", html)

    unissued = str(Serial("ZHD", 26, DocType.DIPLOMA_1, 999999))
    answers = {
        miss(doc.serial, "Басқасы"),  # right serial, wrong surname
        miss(unissued, surname),  # no such serial
    }
    assert len(answers) == 1
    logger.removeHandler(handler)
    logged = stream.getvalue()
    assert doc.serial in logged and "genuine" in logged and "miss" in logged
    assert surname not in logged and surname.lower() not in logged and "Басқасы" not in logged
    # The link itself (which encodes the name) stays out of the log too.
    assert path_of(doc).rsplit("/", 1)[-1] not in logged


def test_a_serial_typed_without_dashes_with_spaces_or_cyrillic_letters_is_found(
    client: Any, session: Any, users: Any
) -> None:
    doc, surname = issued_with_surname(session, users)
    compact = doc.serial.replace("-", "")
    spaced = doc.serial.replace("-", " ")
    cyrillic = doc.serial.lower().replace("c", "с").replace("p", "р")  # Cyrillic look-alikes
    for typed in (compact, spaced, f" {compact.lower()} ", cyrillic, doc.serial.replace("-", "–")):
        html = client.post("/v/", data={"serial": typed, "surname": surname}).get_data(as_text=True)
        assert 'data-verdict="genuine"' in html, typed


MISS_KK = "Бұл сериялық нөмір мен тегі бойынша диплом табылмады"


MISS_KK = "Бұл сериялық нөмір мен тегі бойынша диплом табылмады"


def test_a_mistyped_serial_is_called_mistyped_and_a_non_serial_not_a_serial(
    client: Any, session: Any, users: Any
) -> None:
    doc, surname = issued_with_surname(session, users)
    wrong_digit = doc.serial[:-1] + str((int(doc.serial[-1]) + 1) % 10)
    mistyped = client.post("/v/", data={"serial": wrong_digit, "surname": surname})
    html = mistyped.get_data(as_text=True)
    assert "қате терілген" in html and MISS_KK not in html  # Kazakh: the default language
    html = client.post("/v/", data={"serial": "hello", "surname": surname}).get_data(as_text=True)
    assert "сериялық нөмір емес" in html and MISS_KK not in html


def test_lookup_is_rate_limited(client: Any) -> None:
    for _ in range(6):
        assert client.post("/v/", data={"serial": "x", "surname": "y"}).status_code == 200
    assert client.post("/v/", data={"serial": "x", "surname": "y"}).status_code == 429


def test_the_key_list_and_the_signed_status_list_are_published(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    keys_doc = client.get("/.well-known/integrity/diploma-keys.json").get_json()
    status_doc = client.get("/.well-known/integrity/diploma-status.json").get_json()
    keys = published.read_key_list(keys_doc)
    view = published.read_status_list(status_doc, keys)
    assert view.size == len(made) and not view.notes
    assert keys_doc["keys"][0]["state"] == "active" and keys_doc["issuer"] == "ZHD"


def test_a_batch_asked_for_on_the_page_needs_another_user_and_then_downloads(
    client: Any, session: Any, users: Any
) -> None:
    protocol = final_protocol(session)
    session.commit()
    event_id = protocol.round.subject.event_id
    maker = users.make(Role.ORGANISER)
    login(client, maker)
    page = client.get(f"/diplomas/events/{event_id}").get_data(as_text=True)
    assert f"/diplomas/protocols/{protocol.id}/batches" in page
    response = client.post(f"/diplomas/protocols/{protocol.id}/batches",
                           data={"language": "ru", "participation": "on"})  # fmt: skip
    batch = db.session.execute(select(Batch)).scalar_one()
    assert response.status_code == 302 and batch.state is BatchState.REQUESTED
    assert "decision" not in client.get(f"/diplomas/batches/{batch.id}").get_data(as_text=True)
    client.post(f"/diplomas/batches/{batch.id}/decide",
                data={"decision": "approve", "confirmed": "yes"})  # fmt: skip
    db.session.refresh(batch)
    assert batch.state is BatchState.REQUESTED  # the maker cannot approve their own batch

    login(client, users.make(Role.DIRECTOR))
    # Approving asks first: a POST without the confirmation page's answer only leads there.
    unconfirmed = client.post(f"/diplomas/batches/{batch.id}/decide", data={"decision": "approve"})
    assert unconfirmed.headers["Location"] == f"/diplomas/batches/{batch.id}/approve"
    db.session.refresh(batch)
    assert batch.state is BatchState.REQUESTED
    client.post(f"/diplomas/batches/{batch.id}/decide",
                data={"decision": "approve", "confirmed": "yes"})  # fmt: skip
    db.session.refresh(batch)
    assert batch.state is BatchState.DONE and batch.total == 6  # the job ran (immediate in tests)
    archive = client.get(f"/diplomas/batches/{batch.id}.zip")
    assert archive.status_code == 200
    assert "manifest.csv" in zipfile.ZipFile(io.BytesIO(archive.data)).namelist()

    doc = db.session.execute(select(Diploma)).scalars().first()
    assert doc is not None
    client.post(f"/diplomas/{doc.id}/status",
                data={"action": "annulled", "reason": "withdrawn", "kind": "revoked"})  # fmt: skip
    html = client.get(path_of(doc)).get_data(as_text=True)
    assert verdict_of(html) == "annulled"


def test_observers_see_diplomas_but_cannot_change_them(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    login(client, users.make(Role.OBSERVER))
    assert client.get(f"/diplomas/{made[0].id}").status_code == 200
    for action in ("status", "reissue"):
        response = client.post(f"/diplomas/{made[0].id}/{action}",
                               data={"action": "annulled", "reason": "x"})  # fmt: skip
        assert response.status_code == 403


def test_a_superseded_diplomas_page_links_the_document_that_replaced_it(
    client: Any, session: Any, users: Any
) -> None:
    from integrity.diplomas import services

    _, _, made = issued_batch(session, users)
    new = services.reissue(session, actor=users.make(Role.ADMIN).as_actor(),
                           settings=settings_of(current_app), diploma=made[0],
                           reason="typo", name=made[0].name + " Қызы")  # fmt: skip
    session.commit()
    html = client.get(path_of(made[0])).get_data(as_text=True)
    assert verdict_of(html) == "superseded"
    successor = re.search(r'<a href="(/v/[a-z2-7]+)" data-testid="successor">', html)
    assert successor and successor.group(1) == path_of(new)
    assert verdict_of(client.get(successor.group(1)).get_data(as_text=True)) == "genuine"


def test_an_error_on_a_verification_page_logs_the_route_not_the_code(
    client: Any, session: Any, users: Any, monkeypatch: Any
) -> None:
    from integrity.diplomas.services import verifying

    _, _, made = issued_batch(session, users)
    session.commit()

    def broken(*_: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(verifying, "check_link", broken)
    logger = logging.getLogger("integrity")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    try:
        assert client.get(path_of(made[0])).status_code == 500
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "unhandled error on GET /v/<string:text>" in logged
    assert path_of(made[0]).rsplit("/", 1)[-1] not in logged


def test_a_check_is_one_log_line_with_serial_and_verdict_and_never_the_name_or_code(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    logger = logging.getLogger("integrity")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        assert client.get(path_of(made[0])).status_code == 200
        assert client.post("/v/", data={"serial": made[1].serial, "surname": "Nobody"}).status_code
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    checks = [line for line in lines if line.get("event") == "diploma_check"]
    assert [(c["how"], c["verdict"], c["message"]) for c in checks] == [
        ("link", "genuine", "request"),
        ("lookup", "miss", "request"),
    ]
    assert checks[0]["serial"] == made[0].serial and checks[0]["path"] == "/v/<string:text>"
    logged = stream.getvalue()
    assert path_of(made[0]).rsplit("/", 1)[-1] not in logged
    assert made[0].name not in logged and made[1].serial not in logged


def test_the_verdict_page_switches_language_by_plain_links_and_other_pages_do_not(
    client: Any, session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    session.commit()
    for lang in ("ru", "en", "kk"):
        html = client.get(path_of(made[0]) + f"?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in html and f'href="?lang={lang}"' in html
    assert '<html lang="kk">' in client.get("/?lang=ru").get_data(as_text=True)

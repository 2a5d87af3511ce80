"""Every page of every object of a demo, as every role allowed to open it: no answer is a 5xx.

The URL map is walked with real ids (and serial links, ciphers, report hashes) taken from a demo
instance, so a page that breaks only for some objects (a juror who declared a relation, a batch
that failed, an annulled diploma) is found. Who may open what comes from the policy table of
test_access.py; each allowed role walks, and so does an anonymous visitor for public pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product
from typing import Any

from flask import Flask, current_app, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from integrity.accounts.domain import Role
from integrity.accounts.models import User
from integrity.diplomas.models import Batch, Diploma
from integrity.diplomas.services.rendering import link
from integrity.extensions import db
from integrity.jury.models import Assignment, Draw
from integrity.protocols.models import Appeal, Protocol
from integrity.registry.models import (
    Entry,
    Event,
    ImportRun,
    Juror,
    Participant,
    Round,
    Task,
    Venue,
)
from integrity.risk.domain.indicators import REGISTRY
from integrity.risk.models import Analysis, ReportVersion
from integrity.scans.models import PrintRun, ScanPage, Upload, Work
from integrity.settings import settings_of
from tests.conftest import Users, login
from tests.web.test_access import ANY_USER, POLICY, PUBLIC

# How many objects of each kind are walked: all of the small kinds, a spread of the large ones.
MOST = 40


def spread(values: Iterable[Any]) -> list[Any]:
    found = list(values)
    if len(found) <= MOST:
        return found
    step = len(found) / MOST
    return [found[int(n * step)] for n in range(MOST)]


def ids(column: Any) -> list[Any]:
    return spread(db.session.execute(select(column).order_by(column)).scalars())


def argument_values() -> dict[str, list[Any]]:
    host = settings_of(current_app).host
    return {
        "analysis_id": ids(Analysis.id),
        "appeal_id": ids(Appeal.id),
        "assignment_id": ids(Assignment.id),
        "batch_id": ids(Batch.id),
        "cipher": ids(Work.cipher)[:5],
        "corner": [0, 3],
        "code": [i.code for i in REGISTRY],
        "digest": [*ids(ReportVersion.content_sha256), "0" * 64],
        "diploma_id": ids(Diploma.id),
        "doc": ["pdf", "xlsx"],
        "draw_id": ids(Draw.id),
        "entry_id": ids(Entry.id),
        "event_id": ids(Event.id),
        "filename": ["app.css"],
        "fmt": ["csv", "xlsx", "pdf", "docx"],
        "import_id": ids(ImportRun.id),
        "resumable_id": ["no-such-upload"],
        "juror_id": ids(Juror.id),  # every one: some declared relations, some did not
        "kind": ["participants", "jurors"],
        "number": [1, 2],
        "page_id": ids(ScanPage.id)[:10],
        "participant_id": ids(Participant.id),
        "protocol_id": ids(Protocol.id),
        "round_id": ids(Round.id),
        "run_id": ids(PrintRun.id),
        "task_id": ids(Task.id),
        "text": [
            link(d, host).rsplit("/", 1)[1]
            for d in db.session.execute(select(Diploma).limit(5)).scalars()
        ]
        + ["x"],
        "upload_id": ids(Upload.id),
        "user_id": ids(User.id),
        "venue_id": ids(Venue.id),
    }


def urls(
    app: Flask, endpoint: str, arguments: list[str], values: dict[str, list[Any]]
) -> list[str]:
    """Every combination of values, but at most a few for files that take long to make."""
    heavy = {"doc", "fmt", "number"} & set(arguments) or endpoint.endswith(("zip", "pdf"))
    pools = [values[a][:3] if heavy else values[a] for a in arguments]
    with app.test_request_context():
        return [
            url_for(endpoint, **dict(zip(arguments, combo, strict=True)))
            for combo in product(*pools)
        ]


def test_every_page_of_every_demo_object_opens_for_every_role_allowed_to_see_it(
    app: Flask, client: FlaskClient, users: Users, demo: None
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a broken page answers 500, as in production
    values = argument_values()
    walked: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "accounts.logout":
            continue
        walked[rule.endpoint] = urls(app, rule.endpoint, sorted(rule.arguments), values)
    failures: list[str] = []
    requests = 0
    for role in [None, *Role]:
        if role is not None:
            login(client, users.make(role))
        for endpoint, found in walked.items():
            allowed = POLICY[endpoint]
            if role is None and allowed != PUBLIC:
                continue
            if role is not None and allowed not in (PUBLIC, ANY_USER) and role not in allowed:
                continue
            for url in found:
                status = client.get(url).status_code
                requests += 1
                if status >= 500:
                    failures.append(f"{status} {url} as {role or 'anonymous'}")
    assert failures == []
    assert requests > 1000


def readable_text(body: bytes, content_type: str) -> str:
    """What a person reads in an answer: HTML and text as they are, a PDF's text, an XLSX's cells;
    whitespace collapsed, so a name wrapped across lines in a PDF cell is still found."""
    if content_type.startswith("application/pdf"):
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        document = pdfium.PdfDocument(body)
        text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    elif "spreadsheetml" in content_type:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        text = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for v in row if v is not None)  # fmt: skip
    else:
        text = body.decode("utf-8", errors="replace")
    return " ".join(text.split())


# Public, but not a listing: a diploma's own check page shows what is printed on that paper.
NOT_LISTINGS = {"verify.link", "verify.lookup", "static"}


def test_no_public_page_or_export_names_a_pupil_whose_guardian_refused_public_listing(
    app: Flask, client: FlaskClient, demo: None
) -> None:
    from integrity.protocols.models import ProtocolState, ProtocolVersion

    named = [v for v in db.session.execute(select(ProtocolVersion)).scalars() if v.named]
    published = [v for v in named if v.protocol.state is ProtocolState.FINAL_PUBLISHED]
    internal = " ".join(v.content for v in published)
    # Guardians of some pupils in the published protocols withdraw consent after publication.
    for participant in db.session.execute(select(Participant)).scalars():
        if participant.full_name in internal and participant.id % 2:
            participant.consent_public = False
    db.session.commit()
    refused = {
        p.full_name
        for p in db.session.execute(select(Participant)).scalars()
        if not p.consent_public
    }
    assert published and any(name in internal for name in refused)  # there is something to hide

    values = argument_values()
    shown: list[str] = []
    for rule in app.url_map.iter_rules():
        if POLICY.get(rule.endpoint) != PUBLIC or rule.endpoint in NOT_LISTINGS:
            continue
        if "GET" not in (rule.methods or set()):
            continue
        for url in urls(app, rule.endpoint, sorted(rule.arguments), values):
            for lang in ("kk", "ru"):
                response = client.get(url, query_string={"lang": lang})
                if response.status_code != 200:
                    continue
                text = readable_text(response.get_data(), response.content_type)
                shown += [f"{name} on {url}" for name in refused if name in text]
    assert shown == []

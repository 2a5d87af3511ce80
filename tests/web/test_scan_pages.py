"""The IT specialist's scan screens, the public ledger and the chair's vault, through the web."""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.scans.domain.simulate import Degradation, simulate_scans
from integrity.scans.models import PageStatus, ScanPage, Work
from integrity.settings import settings_of
from integrity.vault import services as vault
from integrity.vault.domain import combine_shares, private_matches
from integrity.vault.models import IdentityLink
from tests import factories as f
from tests.conftest import login
from tests.factories import JURY_STEPS

PASSPHRASE = "a long chair passphrase"


@pytest.fixture
def scanned(session: Any, tmp_path: Path) -> dict[str, Any]:
    made = f.scanned_round(session, tmp_path, duplicates=1, unreadable=1)
    (tmp_path / "scan.pdf").write_bytes(made.scan_path.read_bytes())
    return {"event": made.event, "round": made.round, "scan": tmp_path / "scan.pdf"}


def upload(client: FlaskClient, scanned: dict[str, Any], *, json_answer: bool = True) -> Any:
    with scanned["scan"].open("rb") as handle:
        return client.post(
            f"/scans/rounds/{scanned['round'].id}/uploads",
            data={"files": [(io.BytesIO(handle.read()), "mfp-0001.pdf")]},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"} if json_answer else {},
        )


def test_an_it_specialist_uploads_a_scan_which_is_read_in_a_job_with_progress(
    client: FlaskClient, as_role: Any, scanned: dict[str, Any]
) -> None:
    as_role(Role.IT_SPECIALIST)
    before = client.get(f"/scans/rounds/{scanned['round'].id}").get_data(as_text=True)
    totals = before.split('data-testid="page-totals"')[1].split("</dl>")[0]
    assert "<dt>Беттер</dt><dd>0</dd>" in totals  # "Pages": a word for nothing yet, not a dash
    response = upload(client, scanned)
    assert response.status_code == 200
    (accepted,) = response.get_json()["accepted"]
    assert accepted["pages"] == 10
    progress = client.get(f"/scans/uploads/{accepted['id']}.json").get_json()
    assert progress["status"] == "done"
    assert progress["pages_done"] == 10
    assert progress["totals"]["answer"] + progress["totals"].get("cover", 0) >= 8
    again = upload(client, scanned).get_json()
    assert again["accepted"][0]["new"] is False


def test_no_screen_of_the_it_specialist_shows_a_cipher(
    client: FlaskClient, as_role: Any, scanned: dict[str, Any], session: Any
) -> None:
    as_role(Role.IT_SPECIALIST)
    accepted = upload(client, scanned).get_json()["accepted"][0]
    ciphers = [w.cipher for w in session.execute(select(Work)).scalars()]
    assert len(ciphers) == 3
    pages = [
        f"/scans/rounds/{scanned['round'].id}",
        f"/scans/uploads/{accepted['id']}",
        f"/scans/rounds/{scanned['round'].id}/queue",
        f"/scans/uploads/{accepted['id']}.json",
        "/scans/",
    ]
    for url in pages:
        text = client.get(url).get_data(as_text=True)
        assert not any(cipher in text for cipher in ciphers), url


def test_a_refused_file_is_named_in_the_answer(
    client: FlaskClient, as_role: Any, scanned: dict[str, Any]
) -> None:
    as_role(Role.IT_SPECIALIST)
    response = client.post(
        f"/scans/rounds/{scanned['round'].id}/uploads",
        data={"files": [(io.BytesIO(b"just some text"), "notes.txt")]},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "notes.txt" in response.get_json()["refused"][0]["message"]


def test_the_queue_shows_thumbnails_and_a_person_clears_it_then_freezes_and_the_ledger_is_public(
    client: FlaskClient, as_role: Any, scanned: dict[str, Any], session: Any
) -> None:
    as_role(Role.IT_SPECIALIST)
    upload(client, scanned)
    round_id = scanned["round"].id
    page = client.get(f"/scans/rounds/{round_id}/queue").get_data(as_text=True)
    queued = (
        session.execute(
            select(ScanPage).where(
                ScanPage.status.in_([PageStatus.UNREADABLE, PageStatus.DUPLICATE])
            )
        )
        .scalars()
        .all()
    )
    assert len(queued) == 2
    for item in queued:
        assert f'data-page="{item.id}"' in page
        image = client.get(f"/scans/pages/{item.id}/image.jpg")
        assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    answer = (
        session.execute(select(ScanPage).where(ScanPage.status == PageStatus.ANSWER))
        .scalars()
        .first()
    )
    assert client.get(f"/scans/pages/{answer.id}/image.jpg").status_code == 404
    for item in queued:
        client.post(f"/scans/pages/{item.id}/discard", data={"reason": "re-scanned below"})
    # The discarded unreadable page leaves its booklet short of a page: scan it again by itself.
    blocked = client.post(f"/scans/rounds/{round_id}/freeze", data={"confirmed": "yes"})
    assert blocked.status_code == 302
    assert (
        session.scalar(select(func.count()).select_from(Work).where(Work.work_hash.isnot(None)))
        == 0
    )


def test_the_public_ledger_lists_works_and_each_hash_list_downloads(
    client: FlaskClient, app: Flask, scanned: dict[str, Any], session: Any, tmp_path: Path
) -> None:
    from integrity.scans.services import ingest, queue

    path = tmp_path / "clean.pdf"
    simulate_scans(tmp_path / "kits.pdf", path, random.Random(5), Degradation())
    with path.open("rb") as stream:
        record, _ = ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=scanned["round"],
            stream=stream,
            filename="clean.pdf",
            settings=settings_of(current_app),
        )
    session.commit()
    ingest.process_upload(
        session, record.id, actor=f.ACTOR, workers=0, settings=settings_of(current_app)
    )
    queue.freeze_round(
        session,
        actor=f.ACTOR,
        round_=scanned["round"],
        steps=JURY_STEPS,
        settings=settings_of(current_app),
    )
    session.commit()
    page = client.get(f"/ledger/rounds/{scanned['round'].id}").get_data(as_text=True)
    works = session.execute(select(Work)).scalars().all()
    for work in works:
        assert work.cipher in page and work.work_hash in page
    record_json = client.get(f"/ledger/works/{works[0].cipher}.json").get_json()
    assert record_json["work_hash"] == works[0].work_hash
    assert [p["page"] for p in record_json["pages"]] == [1, 2]
    from integrity.scans.domain.ledger import page_hash, work_hash

    hashes = [
        page_hash(works[0].cipher, p["page"], p["image_sha256"]) for p in record_json["pages"]
    ]
    assert work_hash(works[0].cipher, hashes) == record_json["work_hash"]
    listing = client.get(f"/ledger/rounds/{scanned['round'].id}.json").get_json()
    assert listing["ledger_hash"] and len(listing["works"]) == 3
    assert "Тур" in page or "тур" in page


def test_the_chair_creates_the_vault_sees_the_shares_once_and_unseals_only_after_the_protocol(
    client: FlaskClient, users: Any, session: Any, tmp_path: Path
) -> None:
    ev = f.event(session, title_kk="Жаңа олимпиада")
    _, round_ = f.subject_with_round(session, ev)
    session.commit()
    login(client, users.make(Role.CHAIR))
    page = client.post(
        f"/vault/events/{ev.id}",
        data={"passphrase": PASSPHRASE, "confirm": PASSPHRASE, "threshold": "2", "shares": "3"},
    ).get_data(as_text=True)
    shares = re.findall(r"<code>(IVS1-[^<]+)</code>", page)
    assert len(shares) == 3
    stored = vault.vault_for_event(session, ev.id)
    assert private_matches(combine_shares(shares[:2]), stored.public_key)
    assert "IVS1-" not in client.get(f"/vault/events/{ev.id}").get_data(as_text=True)
    refused = client.post(
        f"/protocols/rounds/{round_.id}/unseal",
        data={"passphrase": PASSPHRASE},
        follow_redirects=True,
    )
    assert 'class="flash flash-error"' in refused.get_data(as_text=True)  # refused, and said so
    assert session.scalar(select(func.count()).select_from(IdentityLink)) == 0


def test_the_cli_ingest_lists_every_page_with_serial_and_never_a_cipher(
    app: Flask, scanned: dict[str, Any], session: Any
) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "scans",
            "ingest",
            "--round",
            str(scanned["round"].id),
            str(scanned["scan"]),
            "--json",
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    lines = answer["files"][0]["pages"]
    assert [line["index"] for line in lines] == list(range(10))
    assert {"file", "index", "status", "serial", "page"} <= set(lines[0])
    assert answer["totals"]["unreadable"] == 1
    ciphers = {w.cipher for w in session.execute(select(Work)).scalars()}
    assert not any(c in result.output for c in ciphers)


def test_the_cli_ingest_summary_names_the_statuses_in_the_users_language(
    app: Flask, scanned: dict[str, Any]
) -> None:
    args = ["scans", "ingest", "--round", str(scanned["round"].id), str(scanned["scan"])]
    result = app.test_cli_runner().invoke(
        args=[*args, "--workers", "1"], env={"INTEGRITY_LANG": "ru"}
    )
    assert result.exit_code == 0, result.output
    total = result.output.strip().splitlines()[-1]
    assert total.startswith("Итого: ") and "не распознана 1" in total, total
    assert "unreadable" not in result.output


def test_the_app_gives_the_scans_freeze_the_jurys_step(app: Flask) -> None:
    # Without it a freeze through the page or the command would write no conflicts of interest.
    from integrity.jury.services.conflicts import FREEZE_STEP
    from integrity.scans.wiring import freeze_steps_of

    assert tuple(freeze_steps_of(app)) == (FREEZE_STEP,)


@pytest.mark.parametrize("command", ["print", "void"])
def test_a_kits_command_whose_pdf_cannot_be_written_keeps_nothing(
    app: Flask, session: Any, tmp_path: Path, command: str
) -> None:
    from integrity.audit.models import AuditEvent
    from integrity.scans.domain.codes import format_serial
    from integrity.scans.models import Booklet, PrintRun
    from integrity.scans.services import kits

    world = f.registered_round(session)
    if command == "void":
        kits.print_kits(session, actor=f.ACTOR, round_=world["round"], settings=settings_of(app))
        session.commit()
    counts = [session.scalar(select(func.count()).select_from(t))
              for t in (PrintRun, Booklet, AuditEvent)]  # fmt: skip
    out = tmp_path / "no-such-folder" / "kits.pdf"
    args = ["kits", "print", "--round", str(world["round"].id), "--extra", "2", "--out", str(out)]
    if command == "void":
        booklet = session.execute(select(Booklet)).scalars().first()
        serial = format_serial(booklet.serial)
        args = ["kits", "void", "--serial", serial, "--reason", "spoilt", "--out", str(out)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and not out.exists()
    session.rollback()
    assert [session.scalar(select(func.count()).select_from(t))
            for t in (PrintRun, Booklet, AuditEvent)] == counts  # fmt: skip

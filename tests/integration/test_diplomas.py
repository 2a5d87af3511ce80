"""Issuing diplomas from a final protocol with a maker and a checker; status; rendering; keys."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp
from flask import current_app
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.clock import local_date, local_today
from integrity.diplomas import services
from integrity.diplomas.domain import DocType, Serial, from_text, published, read
from integrity.diplomas.models import AnnulKind, BatchState, Diploma, DocumentStatus, KeyState
from integrity.diplomas.services import keys, verifying
from integrity.diplomas.services.rendering import link, render_batch, render_one
from integrity.errors import Conflict, Forbidden, InvalidInput
from integrity.protocols import services as protocols
from integrity.settings import Settings, install, settings_of
from integrity.storage import file_store
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import final_protocol, issued_batch, marked_round

Verdict = published.Verdict


def settings() -> Settings:
    """The app's settings, as the views, commands and jobs pass them to the services."""
    return settings_of(current_app)


def test_a_batch_is_issued_only_when_another_user_approves_it(session: Any, users: Any) -> None:
    protocol = final_protocol(session)
    maker = users.make(Role.ORGANISER)
    with expect_events("diploma.batch_requested"):
        batch = services.request_batch(session, actor=maker.as_actor(), protocol=protocol,
                                       language="kk", participation=False)  # fmt: skip
    assert session.execute(select(Diploma)).first() is None  # nothing issued yet
    with pytest.raises(Forbidden) as same:
        services.decide_batch(
            session, settings=settings(), actor=maker.as_actor(), batch=batch, approve=True
        )
    assert same.value.details["code"] == "same_user"
    with pytest.raises(Forbidden):  # the command line's anonymous actor is nobody
        services.decide_batch(
            session, settings=settings(), actor=f.ACTOR, batch=batch, approve=True
        )
    checker = users.make(Role.DIRECTOR)
    # The first signing key is made on first use.
    with expect_events("diploma.batch_approved", "diploma.key_rotated", "diploma.issued"):
        made = services.decide_batch(
            session, settings=settings(), actor=checker.as_actor(), batch=batch, approve=True
        )
    assert batch.state is BatchState.APPROVED
    # Six participants: the policy gives II to the best and III to the second.
    assert sorted(d.doc_type for d in made) == ["D2", "D3"]


def test_issuing_a_protocol_again_never_duplicates_a_document(session: Any, users: Any) -> None:
    protocol, _batch, made = issued_batch(session, users, participation=True)
    assert len(made) == 6 and sorted(d.doc_type for d in made).count("CP") == 4
    again = services.request_batch(session, actor=users.make(Role.ADMIN).as_actor(),
                                   protocol=protocol, language="kk", participation=True)  # fmt: skip
    assert services.decide_batch(session, settings=settings(),
                                 actor=users.make(Role.CHAIR).as_actor(), batch=again,
                                 approve=True) == []  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Diploma)) == 6
    # The second batch still prints every document of the protocol.
    assert len(services.batch_documents(session, again)) == 6


def test_a_second_request_waits_while_one_is_pending(session: Any, users: Any) -> None:
    protocol = final_protocol(session)
    maker = users.make(Role.ORGANISER)
    services.request_batch(session, actor=maker.as_actor(), protocol=protocol, language="kk",
                           participation=False)  # fmt: skip
    with pytest.raises(Conflict) as pending:
        services.request_batch(session, actor=maker.as_actor(), protocol=protocol,
                               language="ru", participation=False)  # fmt: skip
    assert pending.value.details["code"] == "batch_pending"


def test_diplomas_come_only_from_a_published_final_protocol(session: Any, users: Any) -> None:
    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    with pytest.raises(Conflict) as early:
        services.request_batch(session, actor=users.make(Role.ADMIN).as_actor(),
                               protocol=protocol, language="kk", participation=False)  # fmt: skip
    assert early.value.details["code"] == "not_final"


def test_serials_run_on_per_type_and_the_payload_matches_what_is_stored(
    session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users, participation=True)
    year = local_today(settings_of(current_app).zone).year % 100
    certificates = sorted(d.sequence for d in made if d.doc_type == "CP")
    assert certificates == [1, 2, 3, 4]
    indices = sorted(d.status_index for d in made)
    assert indices == list(range(6))
    for doc in made:
        assert Serial.parse(doc.serial).year == year
        payload, _, _ = read(doc.payload)
        assert str(payload.serial) == doc.serial and payload.name == doc.name
        assert payload.status_index == doc.status_index and payload.subject == doc.subject
        assert "IIN" not in doc.name and doc.name.startswith("Оқушы")
        result, found = verifying.check_link(session, link(doc, settings().host), settings().zone)
        assert result.verdict is Verdict.GENUINE and found and found.id == doc.id


def test_status_changes_are_audited_and_show_in_the_verdict_and_the_signed_list(
    session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    doc, other = made
    actor = users.make(Role.ADMIN).as_actor()
    with pytest.raises(InvalidInput):
        services.set_status(session, settings=settings(), actor=actor, diploma=doc,
                            status=DocumentStatus.ANNULLED, reason="  ")  # fmt: skip
    with expect_events("diploma.status_changed"):
        services.set_status(session, settings=settings(), actor=actor, diploma=doc,
                            status=DocumentStatus.SUSPENDED, reason="appeal pending")  # fmt: skip
    assert (
        verifying.check_link(session, link(doc, settings().host), settings().zone)[0].verdict
        is Verdict.SUSPENDED
    )
    with pytest.raises(InvalidInput):  # an annulment says its kind
        services.set_status(session, settings=settings(), actor=actor, diploma=doc,
                            status=DocumentStatus.ANNULLED, reason="the award was withdrawn")  # fmt: skip
    services.set_status(session, settings=settings(), actor=actor, diploma=doc,
                        status=DocumentStatus.ANNULLED, reason="the award was withdrawn",
                        kind=AnnulKind.REVOKED)  # fmt: skip
    result = verifying.check_link(session, link(doc, settings().host), settings().zone)[0]
    assert result.verdict is Verdict.ANNULLED and result.note and result.note.on
    with pytest.raises(Conflict):  # annulled is final
        services.set_status(session, settings=settings(), actor=actor, diploma=doc,
                            status=DocumentStatus.VALID, reason="oops")  # fmt: skip

    with expect_events("diploma.issued", "diploma.superseded"):
        new = services.reissue(session, settings=settings(), actor=actor, diploma=other,
                               reason="name misspelt",
                               name=other.name.replace("Оқушы", "Оқушы-Түзетілген"))  # fmt: skip
    assert other.status is DocumentStatus.SUPERSEDED and other.superseded_by is new
    assert new.source and other.source is None
    superseded = verifying.check_link(session, link(other, settings().host), settings().zone)[0]
    assert superseded.verdict is Verdict.SUPERSEDED and superseded.note
    assert superseded.note.by == new.serial
    assert (
        verifying.check_link(session, link(new, settings().host), settings().zone)[0].verdict
        is Verdict.GENUINE
    )

    document = keys.status_list_document(session)
    assert document is not None
    view = published.read_status_list(document, keys.published_keys(session, settings().zone))
    assert view.note(doc.status_index) == published.StatusNote(
        "annulled", local_date(settings_of(current_app).zone, doc.status_at), kind="revoked"
    )
    assert view.note(other.status_index).by == new.serial  # type: ignore[union-attr]
    assert view.note(new.status_index) == published.StatusNote("valid")
    forged = {**document, "entries": {}}
    with pytest.raises(published.ListError):
        published.read_status_list(forged, keys.published_keys(session, settings().zone))


def test_a_retired_key_still_verifies_what_it_signed(session: Any, users: Any) -> None:
    _, _, made = issued_batch(session, users)
    first = keys.active_key(session)
    assert first is not None
    with expect_events("diploma.key_rotated"):
        second = keys.rotate(session, actor=f.ACTOR, settings=settings())
    assert first.state is KeyState.RETIRED and first.valid_until and second.id == first.id + 1
    assert (
        verifying.check_link(session, link(made[0], settings().host), settings().zone)[0].verdict
        is Verdict.GENUINE
    )
    listed = keys.key_list(session, settings())["keys"]
    assert [(k["id"], k["state"]) for k in listed] == [(1, "retired"), (2, "active")]  # type: ignore[index]
    event = made[0].event
    doc = services.issue_one(session, settings=settings(), actor=f.ACTOR, event=event,
                             doc_type=DocType.COMMENDATION, surname="Сәрсенова",
                             given_names="Әйгерім", subject="Математика",
                             grade=0, school="", language="kk")  # fmt: skip
    assert doc.key_id == second.id
    assert (
        verifying.check_link(session, link(doc, settings().host), settings().zone)[0].verdict
        is Verdict.GENUINE
    )


def test_the_signing_key_is_stored_only_encrypted(session: Any, users: Any, app: Any) -> None:
    issued_batch(session, users)
    key = keys.active_key(session)
    assert key is not None
    raw = keys.private_key(key, settings()).private_bytes_raw()
    assert raw not in key.private_wrapped and len(key.private_wrapped) == 80
    keys._unwrap.cache_clear()
    install(app, settings_of(app).replace(diploma_key_passphrase="another one"))
    with pytest.raises(Conflict) as locked:
        keys.private_key(key, settings())
    assert locked.value.details["code"] == "key_locked"


def test_tampering_or_a_foreign_signature_reads_as_not_issued_by_us(
    session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users)
    blob = made[0].payload
    for at in (0, 5, len(blob) // 2, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[at] ^= 0x01
        assert (
            verifying.check_blob(session, bytes(tampered), settings().zone)[0].verdict
            is Verdict.NOT_ISSUED
        )
    assert (
        verifying.check_link(session, "https://x/v/!!!", settings().zone)[0].verdict
        is Verdict.NOT_ISSUED
    )
    assert (
        verifying.check_blob(session, blob[:40], settings().zone)[0].verdict is Verdict.NOT_ISSUED
    )


def test_manual_lookup_needs_the_serial_and_the_surname(session: Any, users: Any) -> None:
    _, _, made = issued_batch(session, users)
    doc = made[0]
    surname = doc.name.split(" ")[0]
    assert verifying.lookup(session, doc.serial.lower(), surname.upper()) is doc
    assert verifying.lookup(session, f"  {doc.serial} ", surname.replace("е", "ё")) is doc
    assert verifying.lookup(session, doc.serial, "Басқа") is None
    assert verifying.lookup(session, doc.serial, "") is None
    wrong_check = doc.serial[:-1] + str((int(doc.serial[-1]) + 1) % 10)
    assert verifying.lookup(session, wrong_check, surname) is None


def test_a_batch_renders_one_pdf_per_school_with_a_manifest(session: Any, users: Any) -> None:
    _, batch, made = issued_batch(session, users, participation=True)
    session.commit()
    with expect_events("diploma.batch_rendered"):
        render_batch(batch.id, f.ACTOR, settings())
    assert batch.state is BatchState.DONE and batch.done == batch.total == 6
    archive = zipfile.ZipFile(
        io.BytesIO(file_store(settings_of(current_app)).read_bytes(batch.archive or ""))
    )
    names = archive.namelist()
    schools = {d.school for d in made}
    assert len([n for n in names if n.endswith(".pdf")]) == len(schools)
    manifest = archive.read("manifest.csv").decode("utf-8-sig").splitlines()
    assert len(manifest) == 7 and manifest[0].startswith("serial;type;name")
    assert {line.split(";")[0] for line in manifest[1:]} == {d.serial for d in made}
    assert "SHA256SUMS" in names


def test_a_rendered_diploma_scanned_at_150_dpi_gives_back_a_verifiable_qr(
    session: Any, users: Any
) -> None:
    _, _, made = issued_batch(session, users, language="ru")
    doc = made[0]
    pdf = pdfium.PdfDocument(render_one(doc, settings()))
    page = pdf[0]
    width_mm = page.get_width() / 72 * 25.4
    assert round(width_mm) == 297  # A4 landscape
    text = page.get_textpage().get_text_range()
    assert doc.serial in text and doc.name in text.replace("\r\n", " ") and "ДИПЛОМ" in text
    image = page.render(scale=150 / 72, grayscale=True).to_pil()
    codes = zxingcpp.read_barcodes(np.asarray(image))
    (code,) = [c for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert code.text == link(doc, settings().host) and code.text == code.text.lower()
    assert code.text.startswith("https://olimp.example.kz/v/")
    assert code.ec_level == "Q"
    # At least 30 mm on the page: measured on the scan, corner to corner.
    xs = [p.x for p in (code.position.top_left, code.position.top_right)]
    assert (max(xs) - min(xs)) / 150 * 25.4 >= 30
    assert (
        verifying.check_blob(session, from_text(code.text), settings().zone)[0].verdict
        is Verdict.GENUINE
    )
    assert json.dumps(code.text)  # plain text, no binary


def test_the_command_line_asks_approves_verifies_revokes_and_reissues(
    app: Any, session: Any, users: Any, tmp_path: Any
) -> None:
    protocol = final_protocol(session)
    maker, checker = users.make(Role.ORGANISER), users.make(Role.CHAIR)
    session.commit()
    run = app.test_cli_runner().invoke
    asked = run(args=["diplomas", "issue", "--protocol", str(protocol.id), "--as", maker.username,
                      "--json"])  # fmt: skip
    assert asked.exit_code == 0, asked.output
    batch_id = json.loads(asked.output)["batch_id"]
    same = run(args=["diplomas", "approve", str(batch_id), "--as", maker.username])
    assert same.exit_code == 1 and session.scalar(select(func.count()).select_from(Diploma)) == 0
    archive = tmp_path / "batch.zip"
    approved = run(args=["diplomas", "approve", str(batch_id), "--as", checker.username,
                         "--out", str(archive)])  # fmt: skip
    assert approved.exit_code == 0, approved.output
    assert zipfile.is_zipfile(archive)
    again = run(args=["diplomas", "render", str(batch_id), "--out", str(tmp_path / "again.zip")])
    assert again.exit_code == 0 and zipfile.is_zipfile(tmp_path / "again.zip")
    assert (
        session.scalar(select(func.count()).select_from(Diploma))
        == len(zipfile.ZipFile(archive).read("manifest.csv").decode("utf-8-sig").splitlines()) - 1
    )
    assert run(args=["diplomas", "render", "999"]).exit_code == 1
    doc = session.execute(select(Diploma).order_by(Diploma.id)).scalars().first()
    checked = run(args=["diplomas", "verify", link(doc, settings().host), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["serial"] == doc.serial
    unsaid = run(args=["diplomas", "revoke", doc.serial, "--reason", "withdrawn"])
    assert unsaid.exit_code == 1  # an annulment says its kind
    revoked = run(args=["diplomas", "revoke", doc.serial.lower(), "--reason", "withdrawn",
                        "--kind", "revoked"])  # fmt: skip
    assert revoked.exit_code == 0, revoked.output
    assert run(args=["diplomas", "verify", link(doc, settings().host)]).exit_code == 1
    again = run(args=["diplomas", "revoke", doc.serial, "--reason", "twice"])
    assert again.exit_code == 1  # annulled is final, and said so
    other = session.execute(select(Diploma).order_by(Diploma.id)).scalars().all()[1]
    replaced = run(args=["diplomas", "reissue", other.serial, "--reason", "typo",
                         "--name", other.name + " Қызы"])  # fmt: skip
    assert replaced.exit_code == 0 and "superseded by" in replaced.output
    one = run(args=["diplomas", "issue", "--event", str(protocol.round.subject.event_id),
                    "--type", "AH", "--surname", "Сәрсенова", "--given", "Әйгерім",
                    "--subject", "Математика", "--json"])  # fmt: skip
    assert one.exit_code == 0 and json.loads(one.output)["type"] == "AH"
    lists = run(args=["diplomas", "lists", "--out", str(tmp_path / "lists")])
    assert lists.exit_code == 0
    status = json.loads((tmp_path / "lists" / "diploma-status.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in status["entries"].values()} == {"annulled", "superseded"}
    assert run(args=["diplomas", "revoke", "ZHD-26-D1-000000-0", "--reason", "x"]).exit_code == 1
    rotated = run(args=["diplomas", "rotate-key"])  # rotation is one command
    assert rotated.exit_code == 0 and rotated.output.strip() == "signing key 2 active"
    assert (
        run(args=["diplomas", "verify", link(other, settings().host)]).exit_code == 1
    )  # superseded, still ours
    assert json.loads(run(args=["diplomas", "verify", link(session.execute(select(Diploma).order_by(
        Diploma.id.desc())).scalars().first(), settings().host), "--json"]).output)[
        "verdict"] == "genuine"  # fmt: skip


def test_no_one_issues_a_degree_diploma_alone_and_a_batch_has_a_named_maker(
    session: Any, users: Any
) -> None:
    protocol = final_protocol(session)
    event = protocol.round.subject.event
    with pytest.raises(InvalidInput) as alone:
        services.issue_one(session, settings=settings(),
                           actor=users.make(Role.ADMIN).as_actor(), event=event,
                           doc_type=DocType.DIPLOMA_1, surname="Сәрсенова", given_names="Әйгерім",
                           subject="Математика", grade=9, school="", language="kk")  # fmt: skip
    assert alone.value.details["field"] == "doc_type"
    with pytest.raises(Forbidden) as anonymous:
        services.request_batch(session, actor=f.ACTOR, protocol=protocol, language="kk",
                               participation=False)  # fmt: skip
    assert anonymous.value.details["code"] == "anonymous"


def test_a_batch_in_another_language_is_refused_rather_than_printing_nothing(
    session: Any, users: Any
) -> None:
    protocol, _, made = issued_batch(session, users, language="kk")
    assert made
    with pytest.raises(Conflict) as other:
        services.request_batch(session, actor=users.make(Role.ADMIN).as_actor(),
                               protocol=protocol, language="ru", participation=False)  # fmt: skip
    assert other.value.details["code"] == "language"


def test_a_long_subject_name_still_fits_the_payload(session: Any, users: Any) -> None:
    protocol = final_protocol(session)
    protocol.round.subject.name_ru = "Основы права и обществознание (Человек. Общество. Право)"
    maker, checker = users.make(Role.ORGANISER), users.make(Role.CHAIR)
    batch = services.request_batch(session, actor=maker.as_actor(), protocol=protocol,
                                   language="ru", participation=False)  # fmt: skip
    made = services.decide_batch(
        session, settings=settings(), actor=checker.as_actor(), batch=batch, approve=True
    )
    assert made and read(made[0].payload)[0].subject.startswith("Основы права")
    assert (
        verifying.check_blob(session, made[0].payload, settings().zone)[0].verdict
        is Verdict.GENUINE
    )

"""The protocol's state machine: draft → frozen → published (ciphered) → appeals closed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select

from integrity.audit.services import chain_head
from integrity.errors import Conflict
from integrity.jury.models import Assignment
from integrity.jury.services import marking
from integrity.protocols import services as protocols
from integrity.protocols.models import ProtocolState
from integrity.scans.models import Work
from integrity.settings import settings_of
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import JURY_STEPS, ceremony, marked_round


def test_works_know_their_grade_and_the_round_has_one_protocol_per_grade(session: Any) -> None:
    world = f.drawable_round(session)
    assert {w.grade for w in session.execute(select(Work)).scalars()} == {10}
    assert all(w.appeal_tag for w in session.execute(select(Work)).scalars())
    (protocol,) = protocols.protocols_of(session, world.round)
    assert protocol.grade == 10 and protocol.state is ProtocolState.DRAFT


def test_a_protocol_is_not_frozen_while_a_score_is_unsettled(session: Any) -> None:
    world = f.drawable_round(session)
    ceremony(session, world)
    (protocol,) = protocols.protocols_of(session, world.round)
    with pytest.raises(Conflict) as refused:
        protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    assert refused.value.details["unsettled"] == 12  # six works, two tasks


def test_freezing_hashes_the_ciphered_ranking_and_publishing_opens_the_appeal_window(
    session: Any,
) -> None:
    world = marked_round(session, totals={0: 14, 1: 14, 2: 12, 3: 8, 4: 2, 5: 0})
    (protocol,) = protocols.protocols_of(session, world.round)
    head_before = chain_head(session)[1]
    with expect_events("protocols.frozen"):
        version = protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    content = json.loads(version.content)
    assert hashlib.sha256(version.content.encode()).hexdigest() == version.content_sha256
    assert version.chain_head == head_before
    ranks = [(row["total"], row["rank"], row["award"]) for row in content["rows"]]
    # Six participants: at most 2 winners (45%), I up to 0.4 → 0, II up to 1.0 → 1, III to 2.
    # Two tie at the top: both get II, one beyond the quota.
    assert ranks == [("14", 1, "II"), ("14", 1, "II"), ("12", 3, None), ("8", 4, None),
                     ("2", 5, None), ("0", 6, None)]  # fmt: skip
    assert content["overflow"] == {"II": 1} and content["quotas"] == [0, 1, 1]
    text = version.content
    assert "Оқушы" not in text and "Мұғалім" not in text
    with pytest.raises(Conflict):
        protocols.freeze(session, actor=f.ACTOR, protocol=protocol)  # not twice

    with expect_events("protocols.published"):
        protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    assert protocol.appeals_until == protocol.published_at + dt.timedelta(hours=24)
    with pytest.raises(Conflict) as early:
        protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol)
    assert early.value.details["code"] == "window_open"
    assert world.round.results_frozen_at is None
    later = protocol.appeals_until + dt.timedelta(minutes=1)
    with expect_events("protocols.appeals_closed"):
        protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol, now=later)
    assert protocol.state is ProtocolState.APPEALS_CLOSED
    assert world.round.results_frozen_at == later  # the vault may open; the draw is public


def test_a_protocol_exports_as_csv_with_its_hash_and_chain_head(session: Any) -> None:
    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    version = protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    rows = protocols.csv_rows(version)
    assert rows[0] == ["cipher", "task 1", "task 2", "total", "rank", "award"]
    assert len(rows) == 1 + 6 + 1
    assert rows[-1] == [f"sha256 {version.content_sha256}", f"chain head {version.chain_head}"]


def test_the_protocol_commands_freeze_publish_and_export(
    app: Any, session: Any, tmp_path: Any
) -> None:
    world = marked_round(session)
    session.commit()
    run = app.test_cli_runner().invoke
    rid = str(world.round.id)
    frozen = run(args=["protocols", "freeze", "--round", rid, "--json"])
    assert frozen.exit_code == 0, frozen.output
    (summary,) = json.loads(frozen.output)
    # Frozen and published at once: the ciphered protocol is public from its freeze.
    assert summary["state"] == "published" and summary["version"] == 1
    again = run(args=["protocols", "freeze", "--round", rid])
    assert again.exit_code == 1
    assert run(args=["protocols", "publish", "--round", rid]).exit_code == 1  # nothing to publish
    out = tmp_path / "protocol.csv"
    done = run(args=["protocols", "export", "--round", rid, "--grade", "10", "--out", str(out)])
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8-sig")
    assert summary["content_sha256"] in text and text.count("\n") == 8


def test_after_appeals_close_the_chair_unseals_and_the_named_final_protocol_is_frozen(
    session: Any, caplog: Any
) -> None:
    from integrity.protocols.services.unsealing import unseal_round

    world = marked_round(session, totals={0: 14, 1: 12, 2: 10, 3: 8, 4: 6, 5: 4})
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    with pytest.raises(Conflict) as early:
        unseal_round(session, actor=f.ACTOR, round_=world.round,
                     passphrase="a long chair passphrase")  # fmt: skip
    assert early.value.details["code"] == "appeals_open"
    assert any("unseal refused" in r.getMessage() for r in caplog.records)  # logged
    with pytest.raises(Conflict):
        protocols.advance_freeze(session, actor=f.ACTOR, protocol=protocol)  # not the named one yet

    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    unseal_round(session, actor=f.ACTOR, round_=world.round, passphrase="a long chair passphrase")
    assert protocol.state is ProtocolState.UNSEALED  # the unsealing let the protocol be named
    assert protocols.mark_unsealed(session, world.round) == 0  # and nothing is left to move
    with expect_events("protocols.final_frozen"):
        final = protocols.advance_freeze(session, actor=f.ACTOR, protocol=protocol)
    content = json.loads(final.content)
    assert final.named and content["kind"] == "named"
    top = content["rows"][0]
    assert (
        top["rank"] == 1 and top["name"].startswith("Оқушы") and top["school_kk"].endswith("мектеп")
    )
    assert top["grade"] == 10 and top["district_kk"]
    ciphered = json.loads(protocol.versions[0].content)
    assert [r["cipher"] for r in ciphered["rows"]] == [r["cipher"] for r in content["rows"]]
    with expect_events("protocols.final_published", "protocols.public_rendered"):
        protocols.advance_publish(session, actor=f.ACTOR, protocol=protocol)
    assert protocol.state is ProtocolState.FINAL_PUBLISHED and protocol.final_published_at


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_final_protocol_prints_to_pdf_and_xlsx_with_its_hash_and_chain_head(
    session: Any, tmp_path: Any, lang: str
) -> None:
    import io

    import pypdfium2 as pdfium  # type: ignore[import-untyped]
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    version = f.final_protocol(session, publish=False).current

    data = protocols.document(version, "pdf", lang)
    (tmp_path / f"protocol-{lang}.pdf").write_bytes(data)
    pdf = pdfium.PdfDocument(data)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    heading = "хаттамасы" if lang == "kk" else "Протокол"
    assert heading in text and "Оқушы" in text  # Kazakh letters survive extraction
    assert "№1 мектеп" in text if lang == "kk" else "Школа №1" in text
    flat = text.replace("\r", "").replace("\n", "")
    assert version.content_sha256 in flat and version.chain_head in flat
    book = load_workbook(io.BytesIO(protocols.document(version, "xlsx", lang)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert version.content_sha256 in cells and len(list(book.active.iter_rows())) >= 1 + 6 + 3


def test_after_the_freeze_the_chair_can_no_longer_return_a_marking(session: Any) -> None:
    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    assignment = session.execute(select(Assignment).order_by(Assignment.id)).scalars().first()
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    with pytest.raises(Conflict) as refused:
        marking.reopen_submitted(session, actor=f.ACTOR, assignment=assignment, reason="typo")
    assert refused.value.details["code"] == "protocol_frozen"


def test_the_prize_policy_is_set_per_event_and_frozen_with_its_first_protocol(
    app: Any, session: Any
) -> None:
    world = marked_round(session, totals={0: 20, 1: 18, 2: 16, 3: 14, 4: 12, 5: 10})
    session.commit()
    run = app.test_cli_runner().invoke
    eid = str(world.event.id)
    bad = run(
        args=["protocols", "policy", "--event", eid, "--kind", "counts", "--counts", "1,-2,0"]
    )
    assert bad.exit_code == 1
    done = run(args=["protocols", "policy", "--event", eid, "--kind", "counts",
                     "--counts", "1,1,1", "--appeal-hours", "48"])  # fmt: skip
    assert done.exit_code == 0, done.output
    session.expire_all()
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    content = json.loads(protocol.current.content)
    assert content["policy"] == "counts"
    assert [r["award"] for r in content["rows"]] == ["I", "II", "III", None, None, None]
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    assert protocol.appeals_until == protocol.published_at + dt.timedelta(hours=48)
    session.commit()
    late = run(args=["protocols", "policy", "--event", eid, "--kind", "none"])
    assert late.exit_code == 1  # the rules do not change after a protocol is frozen


def test_the_named_protocol_lists_the_absent_and_disqualified_apart_with_their_reason(
    session: Any,
) -> None:
    from integrity.protocols.services.unsealing import unseal_round
    from integrity.registry.domain.kinds import EntryStatus
    from integrity.registry.models import Entry
    from integrity.registry.services import people
    from integrity.scans.services import queue

    world = f.drawable_round(session, freeze=False)
    absent = people.register_participant(
        session, actor=f.ACTOR, iin=f.iin(40), surname="Келмегенова", given_name="Дана",
        patronymic=None, grade=10, school=world.schools[0],
    )  # fmt: skip
    entry = people.enter_participant(session, actor=f.ACTOR, round_=world.round, participant=absent)
    people.set_entry_status(session, actor=f.ACTOR, entry=entry, status=EntryStatus.ABSENT,
                            reason="Ауырып қалды")  # fmt: skip
    queue.freeze_round(
        session,
        actor=f.ACTOR,
        round_=world.round,
        steps=JURY_STEPS,
        settings=settings_of(current_app),
    )
    marked_round(session, totals={0: 20, 1: 18, 2: 16, 3: 14, 4: 12, 5: 10}, world=world)
    (protocol,) = protocols.protocols_of(session, world.round)
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    protocols.publish(session, actor=f.ACTOR, protocol=protocol)
    ciphered = json.loads(protocol.current.content)
    assert ciphered["absent"] == 1 and len(ciphered["rows"]) == 6
    protocols.close_appeals(session, actor=f.ACTOR, protocol=protocol,
                            now=protocol.appeals_until + dt.timedelta(minutes=1))  # fmt: skip
    unseal_round(session, actor=f.ACTOR, round_=world.round, passphrase="a long chair passphrase")
    protocols.mark_unsealed(session, world.round)
    # The best work's author turns out to have cheated: disqualified before the final protocol.
    from integrity.vault.models import IdentityLink

    top = ciphered["rows"][0]["cipher"]
    link = session.execute(
        select(IdentityLink).join(Work, Work.id == IdentityLink.work_id).where(Work.cipher == top)
    ).scalar_one()
    cheat = session.get(Entry, link.entry_id)
    people.set_entry_status(session, actor=f.ACTOR, entry=cheat,
                            status=EntryStatus.DISQUALIFIED, reason="Шпаргалка")  # fmt: skip
    final = json.loads(protocols.advance_freeze(session, actor=f.ACTOR, protocol=protocol).content)
    assert top not in [r["cipher"] for r in final["rows"]]
    assert [r["rank"] for r in final["rows"]] == [1, 2, 3, 4, 5]  # ranked again without them
    apart = {p["name"]: (p["status"], p["reason"]) for p in final["apart"]}
    assert apart["Келмегенова Дана"] == ("absent", "Ауырып қалды")
    assert apart[cheat.participant.full_name] == ("disqualified", "Шпаргалка")


def test_protocols_verify_names_the_cipher_whose_score_was_edited_behind_the_applications_back(
    app: Any, session: Any
) -> None:
    from sqlalchemy import text

    from tests.factories import final_protocol

    protocol = final_protocol(session)  # named and final: its names are recomputed too
    session.commit()
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["protocols", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "1 of 1 protocol versions match their rows" in clean.output

    version = protocol.current
    first = json.loads(version.content)["rows"][0]["cipher"]
    work_id = session.execute(select(Work.id).where(Work.cipher == first)).scalar_one()
    session.execute(text("UPDATE task_score SET sixtieths = sixtieths + 60 WHERE work_id = :w"),
                    {"w": work_id})  # fmt: skip
    session.commit()
    edited = runner.invoke(args=["protocols", "verify"])
    assert edited.exit_code == 1
    assert (f"protocol {protocol.id} version {version.number}: the live rows give another "
            f"content: rows of {first}") in edited.output  # fmt: skip

    session.execute(text("UPDATE protocol_version SET content = content || ' '"))
    session.commit()
    tampered = runner.invoke(args=["protocols", "verify", "--json"])
    assert tampered.exit_code == 1
    assert "the stored text does not match its stored hash" in tampered.output
    # ... and with its hash recomputed too, the hash the audit chain recorded at the freeze differs.
    session.expire_all()
    text_now = protocol.current.content
    session.execute(text("UPDATE protocol_version SET content_sha256 = :h WHERE id = :v"),
                    {"h": hashlib.sha256(text_now.encode()).hexdigest(), "v": version.id})  # fmt: skip
    session.commit()
    rehashed = runner.invoke(args=["protocols", "verify"])
    assert rehashed.exit_code == 1
    assert "the stored hash is not the one the audit chain recorded" in rehashed.output


def test_a_protocol_frozen_from_an_unsaved_draft_names_itself_and_matches_its_rows(
    app: Any, session: Any
) -> None:
    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    assert protocol.id is None  # a draft, not saved until it is first frozen
    version = protocols.freeze(session, actor=f.ACTOR, protocol=protocol)
    session.commit()
    assert json.loads(version.content)["protocol"] == protocol.id is not None
    checks = protocols.check_versions(session)
    assert [(c.protocol_id, c.problems) for c in checks] == [(protocol.id, [])]


def test_a_later_version_keeps_the_signing_its_protocol_was_frozen_with_and_checks_clean(
    session: Any,
) -> None:
    from integrity.protocols.services import signing

    world = marked_round(session)
    (protocol,) = protocols.protocols_of(session, world.round)
    signed = signing.checked("Тараз қ.", dt.date(2026, 11, 12), "Төраға Т.", "Мүше А.\nМүше Б.")
    protocols.freeze(session, actor=f.ACTOR, protocol=protocol, signing=signed)
    assert [c.problems for c in protocols.check_versions(session)] == [[]]  # not a live fact
    later = protocols.new_version(session, actor=f.ACTOR, protocol=protocol,
                                  content=protocols.build_ciphered(session, protocol),
                                  reason="appeal")  # fmt: skip
    assert json.loads(later.content)["signing"] == signed.as_content()
    assert (world.round.place, world.round.jury_members) == ("Тараз қ.", "Мүше А.\nМүше Б.")

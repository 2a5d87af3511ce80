"""Kits printed, scans rendered and degraded, ingested and checked page by page."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from flask import current_app
from PIL import Image
from sqlalchemy import func, select

from integrity.errors import Conflict, InvalidInput
from integrity.protocols.services import unsealing
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import Entry
from integrity.registry.services import people
from integrity.scans.domain import reader
from integrity.scans.domain.codes import encode_payload, format_payload
from integrity.scans.domain.simulate import Degradation, simulate_scans
from integrity.scans.models import Booklet, PageStatus, ScanPage, ScanRound, Upload, Work
from integrity.scans.services import ingest, kits, queue
from integrity.settings import settings_of
from integrity.storage import file_store
from integrity.vault import services as vault
from integrity.vault.models import SealedLink
from tests import factories as f
from tests.conftest import expect_events
from tests.factories import JURY_STEPS, print_and_plan, print_and_scan

PASSPHRASE = "a long chair passphrase"


def ingest_file(session: Any, world: dict[str, Any], path: Path) -> ingest.IngestReport:
    with path.open("rb") as stream:
        upload, _ = ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=world["round"],
            stream=stream,
            filename=path.name,
            settings=settings_of(current_app),
        )
    session.commit()
    report = ingest.process_upload(
        session,
        upload.id,
        actor=f.ACTOR,
        checkpoint=session.commit,
        workers=0,
        settings=settings_of(current_app),
    )
    session.commit()
    return report


def test_every_page_of_a_degraded_scan_is_identified_and_every_work_gets_a_fresh_cipher(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    report = ingest_file(session, round_world, path)
    assert report.totals() == {"cover": 4, "answer": 8}
    works = session.execute(select(Work)).scalars().all()
    assert len(works) == 4
    assert len({w.cipher for w in works}) == 4
    assert all(len(w.pages) == 2 for w in works)
    serials = {b.serial for b in session.execute(select(Booklet)).scalars()}
    assert all(line.serial in serials for line in report.lines)
    # No page row of a work keeps the serial; only the sealed vault record links them.
    assert all(
        p.serial is None
        for p in session.execute(select(ScanPage).where(ScanPage.work_id.isnot(None))).scalars()
    )
    assert session.scalar(select(func.count()).select_from(SealedLink)) == 4
    assert all(b.has_work and b.cover_seen for b in session.execute(select(Booklet)).scalars())
    # Once read, no plain copy of the upload is left on disk: only the encrypted original.
    from flask import current_app

    leftovers = list((Path(settings_of(current_app).data_dir) / "tmp").glob("*"))
    assert leftovers == []


def test_masked_pages_hold_no_code_any_reader_can_find(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    ingest_file(session, round_world, print_and_scan(session, round_world, tmp_path))
    masked = [
        p.masked_sha256
        for p in session.execute(
            select(ScanPage).where(ScanPage.status == PageStatus.ANSWER)
        ).scalars()
    ]
    assert len(masked) == 8
    for digest in masked:
        image = Image.open(io.BytesIO(file_store(settings_of(current_app)).read_bytes(digest)))
        assert not image.info.get("exif") and not image.info.get("comment")
        assert zxingcpp.read_barcodes(image) == []


def test_reuploading_the_same_file_changes_nothing(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    ingest_file(session, round_world, path)
    before = _data_files()
    with path.open("rb") as stream, expect_events():
        _, created = ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=round_world["round"],
            stream=stream,
            filename="again.pdf",
            settings=settings_of(current_app),
        )
    assert not created
    assert session.scalar(select(func.count()).select_from(Upload)) == 1
    assert _data_files() == before


def _data_files() -> set[Path]:
    from flask import current_app

    root = Path(settings_of(current_app).data_dir)
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


def test_duplicates_and_unreadable_pages_go_to_the_queue_and_block_the_freeze(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    path = print_and_scan(session, round_world, tmp_path, duplicates=2, unreadable=1)
    report = ingest_file(session, round_world, path)
    totals = report.totals()
    assert totals.get("duplicate", 0) == 2
    assert totals.get("unreadable", 0) == 1
    waiting = queue.queue(session, round_world["round"])
    assert {p.status for p in waiting} == {PageStatus.DUPLICATE, PageStatus.UNREADABLE}
    check = queue.freeze_check(
        session, round_world["round"], JURY_STEPS, settings=settings_of(current_app)
    )
    assert not check.ready
    with pytest.raises(Conflict):
        queue.freeze_round(
            session,
            actor=f.ACTOR,
            round_=round_world["round"],
            steps=JURY_STEPS,
            settings=settings_of(current_app),
        )


def test_a_person_clears_the_queue_by_typing_the_printed_code_or_discarding(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    path, plan, kit_path = print_and_plan(
        session, round_world, tmp_path, duplicates=1, unreadable=1
    )
    ingest_file(session, round_world, path)
    unreadable = next(
        p for p in queue.queue(session, round_world["round"]) if p.status is PageStatus.UNREADABLE
    )
    # The person reads the printed text: here, what the kit page it shows says.
    (destroyed,) = plan.unreadable
    with reader.open_source(kit_path) as kit:
        truth = reader.find_codes(reader.load_page(kit, plan.source_pages[destroyed]))[0].payload
    typed = format_payload(encode_payload(truth))
    wrong = typed[:-1] + ("0" if typed[-1] != "0" else "1")
    with pytest.raises(InvalidInput):
        queue.resolve_typed(
            session, actor=f.ACTOR, page=unreadable, text=wrong, settings=settings_of(current_app)
        )
    session.rollback()
    unreadable = session.get(ScanPage, unreadable.id)
    turns = -round(plan.rotations[destroyed] / 90) % 4
    with expect_events("scans.resolve_page"):
        status = queue.resolve_typed(
            session, actor=f.ACTOR, page=unreadable, text=typed, quarter_turns=turns,
            settings=settings_of(current_app),
        )  # fmt: skip
    assert status in (PageStatus.ANSWER, PageStatus.COVER, PageStatus.DUPLICATE)
    # The row says how the page lies, as the person said: a cover is kept as scanned.
    assert unreadable.rotation == 90.0 * turns
    for page in queue.queue(session, round_world["round"]):
        assert page.status is PageStatus.DUPLICATE
        with expect_events("scans.discard_page"):
            queue.discard_page(session, actor=f.ACTOR, page=page, reason="scanned twice",
                               settings=settings_of(current_app))  # fmt: skip
    session.commit()
    assert queue.freeze_check(
        session, round_world["round"], JURY_STEPS, settings=settings_of(current_app)
    ).ready


def test_freezing_publishes_the_ledger_and_erases_the_blind_index(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    ingest_file(session, round_world, print_and_scan(session, round_world, tmp_path))
    with expect_events("scans.freeze_round"):
        state = queue.freeze_round(
            session,
            actor=f.ACTOR,
            round_=round_world["round"],
            steps=JURY_STEPS,
            settings=settings_of(current_app),
        )
    session.commit()
    assert state.ledger_hash and state.chain_head
    assert all(
        w.work_hash and w.serial_tag is None for w in session.execute(select(Work)).scalars()
    )
    assert session.get(ScanRound, round_world["round"].id).index_key_wrapped is None
    assert all(u.key_server is None for u in session.execute(select(Upload)).scalars())
    assert {e.status for e in session.execute(select(Entry)).scalars()} == {EntryStatus.PRESENT}
    with pytest.raises(Conflict):
        kits.print_kits(
            session, actor=f.ACTOR, round_=round_world["round"], settings=settings_of(current_app)
        )


def test_an_absent_entry_must_be_marked_before_the_freeze(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    _, pdf = kits.print_kits(
        session, actor=f.ACTOR, round_=round_world["round"], settings=settings_of(current_app)
    )
    session.commit()
    kit_path = tmp_path / "kits.pdf"
    kit_path.write_bytes(pdf)
    scan_path = tmp_path / "scan.pdf"
    simulate_scans(
        kit_path, scan_path, random.Random(3), Degradation(), pages=list(range(9))
    )  # the 4th kit is missing
    ingest_file(session, round_world, scan_path)
    check = queue.freeze_check(
        session, round_world["round"], JURY_STEPS, settings=settings_of(current_app)
    )
    assert len(check.entries_without_work) == 1
    absent = next(
        e
        for e in session.execute(select(Entry)).scalars()
        if not any(
            b.has_work for b in session.execute(select(Booklet).filter_by(entry_id=e.id)).scalars()
        )
    )
    people.set_entry_status(session, actor=f.ACTOR, entry=absent, status=EntryStatus.ABSENT)
    assert queue.freeze_check(
        session, round_world["round"], JURY_STEPS, settings=settings_of(current_app)
    ).ready


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b"hello, not a scan", "not_a_scan"), (b"%PDF-1.7\n%broken\n", "broken_pdf")],
)
def test_a_file_that_is_not_a_scan_is_refused_with_its_name_and_nothing_is_stored(
    session: Any, round_world: dict[str, Any], content: bytes, code: str
) -> None:
    before = _data_files()
    with pytest.raises(InvalidInput) as refused, expect_events():
        ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=round_world["round"],
            stream=io.BytesIO(content),
            filename="scan-07.pdf",
            settings=settings_of(current_app),
        )
    assert refused.value.details["code"] == code
    assert "scan-07.pdf" in str(refused.value.message)
    assert session.scalar(select(func.count()).select_from(Upload)) == 0
    assert _data_files() == before  # no encrypted copy, no spool left behind


def killed_at_page(
    session: Any,
    world: dict[str, Any],
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    page: int,
    checkpoint_every: int,
) -> Upload:
    """An upload whose ingest died on ``page``, checkpointing every few pages; reading works again
    afterwards."""
    with path.open("rb") as stream:
        upload, _ = ingest.create_upload(
            session,
            actor=f.ACTOR,
            round_=world["round"],
            stream=stream,
            filename="scan.pdf",
            settings=settings_of(current_app),
        )
    session.commit()
    monkeypatch.setattr(ingest.reading, "CHECKPOINT_EVERY", checkpoint_every)
    real = ingest.reader.read_page

    def dies(source: Any, index: int) -> Any:
        if index == page:
            raise RuntimeError("the worker was killed")
        return real(source, index)

    monkeypatch.setattr(ingest.reader, "read_page", dies)
    with pytest.raises(RuntimeError):
        ingest.process_upload(
            session,
            upload.id,
            actor=f.ACTOR,
            checkpoint=session.commit,
            workers=0,
            settings=settings_of(current_app),
        )
    session.rollback()
    monkeypatch.setattr(ingest.reader, "read_page", real)
    return upload


def test_a_job_killed_half_way_resumes_without_losing_or_duplicating_a_page(
    session: Any, round_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    upload = killed_at_page(session, round_world, path, monkeypatch, page=7, checkpoint_every=3)
    assert (
        session.scalar(select(func.count()).select_from(ScanPage)) == 6
    )  # two checkpoints of three pages were committed
    report = ingest.process_upload(
        session,
        upload.id,
        actor=f.ACTOR,
        checkpoint=session.commit,
        workers=0,
        settings=settings_of(current_app),
    )
    session.commit()
    assert sorted(line.index for line in report.lines) == list(range(12))
    assert session.scalar(select(func.count()).select_from(ScanPage)) == 12
    assert report.totals() == {"cover": 4, "answer": 8}


def test_a_resumed_job_reads_the_rest_in_worker_processes_in_order_and_nothing_twice(
    session: Any, round_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = print_and_scan(session, round_world, tmp_path)
    upload = killed_at_page(session, round_world, path, monkeypatch, page=3, checkpoint_every=2)
    # Ten pages are left: enough for worker processes, a few pages a task.
    assert (
        12 - session.scalar(select(func.count()).select_from(ScanPage))
        >= 2 * ingest.reading.TASK_PAGES
    )
    report = ingest.process_upload(
        session,
        upload.id,
        actor=f.ACTOR,
        checkpoint=session.commit,
        workers=2,
        settings=settings_of(current_app),
    )
    session.commit()
    assert [line.index for line in report.lines] == list(range(12))
    assert sorted(p.index for p in session.execute(select(ScanPage)).scalars()) == list(range(12))
    assert report.totals() == {"cover": 4, "answer": 8}
    assert sorted(len(w.pages) for w in session.execute(select(Work)).scalars()) == [2, 2, 2, 2]


def test_a_file_of_many_chunks_is_kept_and_sealed_whole_and_in_order(tmp_path: Path) -> None:
    import hashlib
    import os

    from integrity.vault.domain.streams import CHUNK, decrypt_stream

    data = os.urandom((ingest.storing.CHUNKS_IN_FLIGHT * 2 + 1) * CHUNK + 12345)
    sealed = io.BytesIO()
    key = os.urandom(32)
    digest, size = ingest.storing._spool_and_seal(io.BytesIO(data), tmp_path / "plain", key, sealed)
    assert (digest, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert (tmp_path / "plain").read_bytes() == data
    opened = io.BytesIO()
    decrypt_stream(key, io.BytesIO(sealed.getvalue()), opened, ingest.storing.ORIGINAL_AAD)
    assert opened.getvalue() == data


def test_a_new_work_costs_the_ingest_no_query_of_its_own(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    from sqlalchemy import event

    path = print_and_scan(session, round_world, tmp_path)
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(args[2].lower())

    event.listen(session.get_bind(), "before_cursor_execute", seen)
    try:
        report = ingest_file(session, round_world, path)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", seen)
    assert report.totals() == {"cover": 4, "answer": 8}
    # Four works, each needing its participant's grade: loaded with the booklets, in one go.
    reads = [s for s in statements if s.lstrip().startswith("select") and "from participant" in s]
    assert len(reads) == 1, reads


def test_a_voided_kit_is_reissued_with_a_new_serial_and_its_pages_are_refused(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    kits.print_kits(
        session, actor=f.ACTOR, round_=round_world["round"], settings=settings_of(current_app)
    )
    old = session.execute(select(Booklet)).scalars().first()
    with expect_events("scans.void_kit"):
        new, _, pdf = kits.void_and_reissue(
            session, actor=f.ACTOR, serial=old.serial, reason="ink spilt",
            settings=settings_of(current_app),
        )  # fmt: skip
    assert new.serial != old.serial and new.entry_id == old.entry_id
    assert pdf.startswith(b"%PDF")
    with pytest.raises(Conflict):
        kits.void_and_reissue(session, actor=f.ACTOR, serial=old.serial, reason="again",
                              settings=settings_of(current_app))  # fmt: skip


def test_the_chair_unseals_a_round_only_after_its_protocol_is_frozen_and_each_work_finds_its_entry(
    session: Any, round_world: dict[str, Any], tmp_path: Path
) -> None:
    from integrity.db import utcnow
    from integrity.vault.models import IdentityLink

    ingest_file(session, round_world, print_and_scan(session, round_world, tmp_path))
    queue.freeze_round(
        session,
        actor=f.ACTOR,
        round_=round_world["round"],
        steps=JURY_STEPS,
        settings=settings_of(current_app),
    )
    session.commit()
    with pytest.raises(Conflict):
        unsealing.unseal_round(
            session, actor=f.ACTOR, round_=round_world["round"], passphrase=PASSPHRASE
        )
    round_world["round"].results_frozen_at = utcnow()
    with pytest.raises(InvalidInput):
        unsealing.unseal_round(
            session, actor=f.ACTOR, round_=round_world["round"], passphrase="not the passphrase"
        )
    with expect_events("vault.unseal"):
        count = unsealing.unseal_round(
            session, actor=f.ACTOR, round_=round_world["round"], passphrase=PASSPHRASE
        )
    assert count == 4
    booklet_of = {b.entry_id: b.serial for b in session.execute(select(Booklet)).scalars()}
    for link in session.execute(select(IdentityLink)).scalars():
        assert booklet_of[link.entry_id] == link.serial
    assert len({link.work_id for link in session.execute(select(IdentityLink)).scalars()}) == 4
    with pytest.raises(Conflict):
        unsealing.unseal_round(
            session, actor=f.ACTOR, round_=round_world["round"], passphrase=PASSPHRASE
        )


def test_lost_passphrase_the_commission_shares_open_the_vault(session: Any) -> None:
    ev = f.event(session)
    shares = vault.create_vault(
        session, actor=f.ACTOR, event=ev, passphrase=PASSPHRASE, threshold=3, shares=5, n_log2=10
    )
    stored = vault.vault_for_event(session, ev.id)
    assert vault.open_private_key(stored, passphrase=None, shares=shares[1:4])
    with pytest.raises(InvalidInput):
        vault.open_private_key(stored, passphrase=None, shares=shares[:2])

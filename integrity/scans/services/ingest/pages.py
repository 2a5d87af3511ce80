"""The database side of reading a round's pages: each stored page becomes a row, classified as a
cover, an answer page of a work (given a fresh cipher), an extra sheet, or a page for the queue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from integrity.db import AnySession
from integrity.registry.models import Entry, Round
from integrity.scans.domain.codes import CodeType, PagePayload, new_cipher
from integrity.scans.domain.ledger import page_hash
from integrity.scans.domain.pagestore import QUEUE_IMAGE, StoredPage, StoreKeys
from integrity.scans.models import (
    Booklet,
    BookletKind,
    BookletStatus,
    PageStatus,
    ScanPage,
    ScanRound,
    Upload,
    Work,
)
from integrity.scans.services.common import appeal_tag, index_key, round_pages, serial_tag
from integrity.scans.services.kits import access_code_of
from integrity.settings import Settings
from integrity.storage import file_store
from integrity.vault.models import VaultKey
from integrity.vault.services import seal_link, server_key


@dataclass
class PageLine:
    """One line of an ingest report. It may show a sheet serial, never a cipher."""

    file: str
    index: int
    status: str
    serial: int | None = None
    page: int | None = None
    detail: str | None = None


@dataclass
class IngestReport:
    upload_id: int
    file: str
    lines: list[PageLine] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return dict(Counter(line.status for line in self.lines))


class PageIngest:
    """The database side of reading one round's pages. It keeps what it looks up in memory (the
    round's booklets, its works by blind index, the pages already taken), so a page costs a few
    row inserts and nothing else."""

    def __init__(
        self,
        session: AnySession,
        upload: Upload,
        round_: Round,
        state: ScanRound,
        vault: VaultKey,
        settings: Settings,
    ) -> None:
        self.session, self.upload, self.round, self.state, self.vault = (
            session,
            upload,
            round_,
            state,
            vault,
        )
        self.settings = settings
        assert state.index_key_wrapped is not None
        self.index_key = index_key(state, settings)
        # With each entry and participant: a new work needs the grade, and a lazy load per work
        # (each flushing the pages pending before it) cost the ingest a millisecond a page.
        self.booklets = {
            b.serial: b
            for b in session.execute(
                select(Booklet)
                .where(Booklet.round_id == round_.id)
                .options(selectinload(Booklet.entry).selectinload(Entry.participant))
            ).scalars()
        }
        self.works = {
            w.serial_tag: w
            for w in session.execute(select(Work).where(Work.round_id == round_.id)).scalars()
            if w.serial_tag
        }
        taken = session.execute(
            round_pages(round_.id).where(ScanPage.status.in_([PageStatus.ANSWER, PageStatus.EXTRA]))
        ).scalars()
        # Pages taken, by (cipher, page): new works have no id until the next checkpoint's flush.
        self.taken: set[tuple[str, int]] = set()
        self.extras_seen: set[int] = set()
        ciphers = {w.id: w.cipher for w in self.works.values()}
        for page in taken:
            if page.work_id is not None and page.page_no is not None and page.work_id in ciphers:
                self.taken.add((ciphers[page.work_id], page.page_no))
            if page.status is PageStatus.EXTRA and page.serial is not None:
                self.extras_seen.add(page.serial)

    ciphers: set[str] | None = None  # every cipher in use, loaded when the first work is made

    def keys(self) -> StoreKeys:
        return StoreKeys(
            root=str(file_store(self.settings).root),
            queue_key=server_key(QUEUE_IMAGE, self.settings),
            vault_public=self.vault.public_key,
            round_id=self.round.id,
        )

    def booklet(self, serial: int) -> Booklet | None:
        found = self.booklets.get(serial)
        if found is None:
            # A serial of another round: looked up only to say so.
            found = self.session.execute(
                select(Booklet).where(Booklet.serial == serial)
            ).scalar_one_or_none()
        return found

    def work_for(self, booklet: Booklet) -> Work:
        tag = serial_tag(self.index_key, booklet.serial)
        work = self.works.get(tag)
        if work is not None:
            return work
        if self.ciphers is None:
            self.ciphers = set(self.session.execute(select(Work.cipher)).scalars())
        cipher = new_cipher()
        while cipher in self.ciphers:
            cipher = new_cipher()
        self.ciphers.add(cipher)
        # No flush here: the checkpoint writes new works with their pages (flushing per work cost
        # more than reading the page), and Work.cipher's unique index stays the last word.
        assert booklet.entry is not None
        code = access_code_of(booklet, self.settings) if booklet.access_code_enc else None
        work = Work(
            round_id=self.round.id,
            cipher=cipher,
            serial_tag=tag,
            expected_pages=booklet.answer_pages,
            grade=booklet.entry.participant.grade,
            appeal_tag=appeal_tag(code, self.settings) if code is not None else None,
        )
        self.session.add(work)
        assert booklet.entry_id is not None
        seal_link(
            self.session,
            vault=self.vault,
            round_id=self.round.id,
            entry_id=booklet.entry_id,
            serial=booklet.serial,
            cipher=cipher,
        )
        booklet.has_work = True
        self.works[tag] = work
        return work

    def store(self, stored: StoredPage) -> PageLine:
        line = PageLine(self.upload.filename, stored.index, PageStatus.UNREADABLE.value)
        page = ScanPage(
            upload_id=self.upload.id, index=stored.index, rotation=round(stored.rotation, 1)
        )
        self.classify(page, stored, line)
        line.status = page.status.value
        line.detail = page.detail
        self.session.add(page)
        return line

    def classify(self, page: ScanPage, stored: StoredPage, line: PageLine) -> None:
        payload = stored.payload
        if payload is None:
            page.status, page.detail, page.image_sha256 = (
                PageStatus.UNREADABLE,
                stored.problem,
                stored.queue_sha256,
            )
            return
        line.serial, line.page = payload.serial, payload.page
        booklet = self.booklet(payload.serial)
        foreign = self._foreign(payload, booklet)
        if foreign is not None or booklet is None:
            page.status, page.detail, page.serial, page.page_no = (
                PageStatus.FOREIGN,
                foreign,
                payload.serial,
                payload.page,
            )
            page.masked_sha256 = stored.masked_sha256
        elif payload.code_type is CodeType.COVER:
            self._cover(page, stored, payload, booklet)
        elif payload.code_type is CodeType.EXTRA:
            self._extra(page, stored, payload)
        else:
            self._answer(page, stored, payload, booklet)

    def _foreign(self, payload: PagePayload, booklet: Booklet | None) -> str | None:
        """Why a page is not this round's (the words the queue shows for it), or None."""
        if payload.round_code != self.round.id:
            return f"round {payload.round_code}"
        if booklet is None or booklet.round_id != self.round.id:
            return "unknown serial"
        if booklet.status is BookletStatus.VOIDED:
            return "voided serial"
        if (payload.code_type is CodeType.EXTRA) != (booklet.kind is BookletKind.EXTRA):
            return "wrong code type"
        return None

    @staticmethod
    def _cover(page: ScanPage, stored: StoredPage, payload: PagePayload, booklet: Booklet) -> None:
        if booklet.cover_seen:
            page.status, page.serial, page.page_no = PageStatus.DUPLICATE, payload.serial, 0
            page.detail = "cover again"  # no image: a cover is shown to nobody
            return
        page.status = PageStatus.COVER
        page.image_sha256, page.image_key_sealed = stored.cover_sha256, stored.cover_key_sealed
        booklet.cover_seen = True

    def _extra(self, page: ScanPage, stored: StoredPage, payload: PagePayload) -> None:
        duplicate = payload.serial in self.extras_seen
        page.status = PageStatus.DUPLICATE if duplicate else PageStatus.EXTRA
        page.serial, page.page_no = payload.serial, payload.page if duplicate else None
        page.masked_sha256, page.image_sha256 = stored.masked_sha256, stored.queue_sha256
        self.extras_seen.add(payload.serial)

    def _answer(
        self, page: ScanPage, stored: StoredPage, payload: PagePayload, booklet: Booklet
    ) -> None:
        if payload.page > booklet.answer_pages:
            page.status, page.detail = PageStatus.UNREADABLE, "page out of range"
            page.serial, page.page_no, page.masked_sha256 = (
                payload.serial,
                payload.page,
                stored.masked_sha256,
            )
            return
        work = self.work_for(booklet)
        if (work.cipher, payload.page) in self.taken:
            page.status, page.serial, page.page_no = (
                PageStatus.DUPLICATE,
                payload.serial,
                payload.page,
            )
            page.masked_sha256 = stored.masked_sha256
            return
        assert stored.masked_sha256 is not None
        self.taken.add((work.cipher, payload.page))
        page.status, page.work, page.page_no = PageStatus.ANSWER, work, payload.page
        page.masked_sha256 = stored.masked_sha256
        page.page_hash = page_hash(work.cipher, payload.page, stored.masked_sha256)

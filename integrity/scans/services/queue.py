"""The page queue a person clears, and freezing a round's ingest into its public ledger."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import func, or_, select

from integrity.audit.domain.chain import Actor
from integrity.audit.services import chain_head, record_event
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import Entry, Round
from integrity.scans.domain import reader
from integrity.scans.domain.codes import PayloadError, decode_payload, format_serial
from integrity.scans.domain.ledger import ledger_hash, page_hash, work_hash
from integrity.scans.domain.pagestore import QUEUE_IMAGE, store_result
from integrity.scans.models import (
    Booklet,
    BookletKind,
    BookletStatus,
    PageStatus,
    ScanPage,
    ScanRound,
    Upload,
    UploadStatus,
    Work,
)
from integrity.scans.services.common import (
    ensure_open,
    index_key,
    read_private,
    round_pages,
    serial_tag,
)
from integrity.scans.services.ingest import PageIngest, PageLine
from integrity.settings import Settings
from integrity.storage import file_store
from integrity.vault.services import vault_for_round

PAYLOAD_PROBLEMS = {
    "length": _l("The printed code has 19 digits."),
    "characters": _l("The printed code holds digits only."),
    "check": _l("The check digit does not match: a digit is mistyped."),
    "version": _l("This is not a code this system printed."),
    "type_or_corner": _l("This is not a code this system printed."),
    "fields": _l("This is not a code this system printed."),
}


def queue(session: AnySession, round_: Round) -> list[ScanPage]:
    """Pages that need a person: unreadable, foreign, duplicate, or an extra sheet not yet attached."""
    return list(
        session.execute(
            round_pages(round_.id)
            .where(
                or_(
                    ScanPage.status.in_(
                        [PageStatus.UNREADABLE, PageStatus.FOREIGN, PageStatus.DUPLICATE]
                    ),
                    (ScanPage.status == PageStatus.EXTRA) & ScanPage.work_id.is_(None),
                )
            )
            .order_by(ScanPage.upload_id, ScanPage.index)
        ).scalars()
    )


def _page_of_round(session: AnySession, page: ScanPage) -> Round:
    upload = session.get(Upload, page.upload_id)
    assert upload is not None
    round_ = session.get(Round, upload.round_id)
    assert round_ is not None
    return round_


def queue_image(page: ScanPage, settings: Settings) -> bytes:
    """The page as a person must read it: the raw scan for an unreadable page, else the masked one."""
    if page.status in (PageStatus.UNREADABLE, PageStatus.EXTRA) and page.image_sha256:
        return read_private(page.image_sha256, QUEUE_IMAGE, settings)
    if page.masked_sha256:
        return file_store(settings).read_bytes(page.masked_sha256)
    raise Conflict(_l("This page has no image to show."))


def resolve_typed(
    session: AnySession,
    *,
    actor: Actor,
    page: ScanPage,
    text: str,
    quarter_turns: int = 0,
    settings: Settings,
) -> PageStatus:
    """A person typed the code printed on an unreadable page (checked by its check digit)."""
    if page.status is not PageStatus.UNREADABLE or page.image_sha256 is None:
        raise Conflict(_l("Only an unreadable page is resolved by typing its code."))
    try:
        payload = decode_payload(text)
    except PayloadError as exc:
        raise InvalidInput(PAYLOAD_PROBLEMS[exc.reason], field="code") from None
    round_ = _page_of_round(session, page)
    state = ensure_open(session, round_, settings)
    upload = session.get(Upload, page.upload_id)
    assert upload is not None
    image = Image.open(io.BytesIO(read_private(page.image_sha256, QUEUE_IMAGE, settings)))
    result = reader.result_from_typed(image, payload, quarter_turns, page.index)
    ingest = PageIngest(session, upload, round_, state, vault_for_round(session, round_), settings)
    page.status, page.detail, page.serial, page.page_no = PageStatus.UNREADABLE, None, None, None
    ingest.classify(
        page,
        store_result(result, ingest.keys()),
        PageLine(upload.filename, page.index, page.status.value),
    )
    page.rotation = result.rotation  # as the person said the page lies
    page.resolved_by_id = actor.id
    page.resolution = "typed"
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.resolve_page",
        subject=f"scan_page:{page.id}",
        data={"how": "typed", "status": page.status.value},
    )
    return page.status


def attach_extra(
    session: AnySession, *, actor: Actor, page: ScanPage, booklet_serial: int, settings: Settings
) -> None:
    """Attach a loose extra-answer sheet to the booklet whose serial the invigilator wrote on it."""
    if page.status is not PageStatus.EXTRA or page.work_id is not None:
        raise Conflict(_l("Only an unattached extra sheet can be attached."))
    round_ = _page_of_round(session, page)
    state = ensure_open(session, round_, settings)
    booklet = session.execute(
        select(Booklet).where(Booklet.serial == booklet_serial)
    ).scalar_one_or_none()
    if (
        booklet is None
        or booklet.round_id != round_.id
        or booklet.kind is not BookletKind.KIT
        or booklet.status is not BookletStatus.ISSUED
    ):
        raise InvalidInput(_l("No issued kit of this round has this serial."), field="serial")
    work = session.execute(
        select(Work).where(
            Work.round_id == round_.id,
            Work.serial_tag == serial_tag(index_key(state, settings), booklet.serial),
        )
    ).scalar_one_or_none()
    if work is None:
        raise Conflict(_l("This booklet has no answer pages yet: ingest them first."))
    last = (
        session.scalar(select(func.max(ScanPage.page_no)).where(ScanPage.work_id == work.id)) or 0
    )
    assert page.masked_sha256 is not None
    page.work_id, page.page_no = work.id, max(last, work.expected_pages) + 1
    page.page_hash = page_hash(work.cipher, page.page_no, page.masked_sha256)
    page.resolved_by_id, page.resolution = actor.id, "attached"
    session.flush()
    record_event(session, actor=actor, action="scans.attach_extra", subject=f"scan_page:{page.id}")


def discard_page(
    session: AnySession, *, actor: Actor, page: ScanPage, reason: str, settings: Settings
) -> None:
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Say why the page is discarded."), field="reason")
    if (
        page.status in (PageStatus.ANSWER, PageStatus.COVER, PageStatus.DISCARDED)
        or page.work_id is not None
    ):
        raise Conflict(_l("Only a page in the queue can be discarded."))
    ensure_open(session, _page_of_round(session, page), settings)
    before = page.status.value
    page.status, page.resolved_by_id, page.resolution = PageStatus.DISCARDED, actor.id, reason
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.discard_page",
        subject=f"scan_page:{page.id}",
        data={"was": before, "reason": reason},
    )


@dataclass
class FreezeCheck:
    queue: dict[str, int] = field(default_factory=dict)
    uploads_unfinished: int = 0
    entries_without_work: list[str] = field(default_factory=list)
    incomplete_booklets: list[str] = field(default_factory=list)
    conflicts_undecided: int = 0  # what later areas must decide first (the jury's conflicts)

    @property
    def ready(self) -> bool:
        return not (
            self.queue
            or self.uploads_unfinished
            or self.entries_without_work
            or self.incomplete_booklets
            or self.conflicts_undecided
        )


@dataclass(frozen=True)
class FreezeStep:
    """What a later area does at a round's scan freeze, the last moment a work still links to its
    entry (afterwards only the vault knows). ``undecided`` counts what must be settled before the
    freeze; ``at_freeze`` writes down what the area needs and returns facts for the freeze's audit
    event. The jury registers its conflicts of interest this way (``create_app`` lists the steps),
    so the scans, earlier in the flow, import nothing of the jury."""

    undecided: Callable[[AnySession, Round], int]
    at_freeze: Callable[[AnySession, Round, Mapping[int, Work]], Mapping[str, object]]


def freeze_check(
    session: AnySession,
    round_: Round,
    steps: Sequence[FreezeStep],
    settings: Settings,
) -> FreezeCheck:
    check = FreezeCheck()
    for page in queue(session, round_):
        check.queue[page.status.value] = check.queue.get(page.status.value, 0) + 1
    check.uploads_unfinished = (
        session.scalar(
            select(func.count())
            .select_from(Upload)
            .where(Upload.round_id == round_.id, Upload.status != UploadStatus.DONE.value)
        )
        or 0
    )
    state = session.get(ScanRound, round_.id)
    counts = dict(
        session.execute(
            select(Work.serial_tag, func.count(ScanPage.id))
            .join(ScanPage, ScanPage.work_id == Work.id)
            .where(Work.round_id == round_.id, ScanPage.status == PageStatus.ANSWER)
            .group_by(Work.serial_tag)
        ).all()
    )
    entries = session.execute(
        select(Entry, Booklet)
        .outerjoin(
            Booklet, (Booklet.entry_id == Entry.id) & (Booklet.status == BookletStatus.ISSUED)
        )
        .where(
            Entry.round_id == round_.id,
            Entry.status.not_in([EntryStatus.ABSENT, EntryStatus.DISQUALIFIED]),
        )
    ).all()
    key = (
        index_key(state, settings)
        if state is not None and state.index_key_wrapped is not None
        else None
    )
    for entry, booklet in entries:
        if booklet is None or not booklet.has_work:
            check.entries_without_work.append(entry.participant.full_name)
        elif key is not None:
            got = counts.get(serial_tag(key, booklet.serial), 0)
            if got < booklet.answer_pages:
                check.incomplete_booklets.append(
                    f"{format_serial(booklet.serial)} ({got}/{booklet.answer_pages})"
                )
    check.entries_without_work.sort()
    # After the freeze nothing links a work to its participant, so what later areas need of that
    # link (each work's conflicts) is written down at the freeze, and decided by then.
    check.conflicts_undecided = sum(step.undecided(session, round_) for step in steps)
    return check


def _works_by_entry(
    session: AnySession, round_: Round, works: Sequence[Work], key: bytes
) -> dict[int, Work]:
    """Each entry's work, through the blind index: the last moment the link exists."""
    by_tag = {w.serial_tag: w for w in works}
    return {
        b.entry_id: by_tag[tag]
        for b in session.execute(
            select(Booklet).where(
                Booklet.round_id == round_.id,
                Booklet.status == BookletStatus.ISSUED,
                Booklet.has_work.is_(True),
                Booklet.entry_id.isnot(None),
            )
        ).scalars()
        if b.entry_id is not None and (tag := serial_tag(key, b.serial)) in by_tag
    }


def _mark_present(session: AnySession, round_: Round) -> int:
    """Registered entries whose booklet has a work were present; returns how many."""
    present = 0
    for entry, booklet in session.execute(
        select(Entry, Booklet)
        .join(Booklet, (Booklet.entry_id == Entry.id) & (Booklet.status == BookletStatus.ISSUED))
        .where(
            Entry.round_id == round_.id,
            Booklet.has_work.is_(True),
            Entry.status == EntryStatus.REGISTERED,
        )
    ).all():
        entry.status = EntryStatus.PRESENT
        present += 1
        del booklet
    return present


def freeze_round(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    steps: Sequence[FreezeStep],
    settings: Settings,
) -> ScanRound:
    """Close the round's ingest: hash every work, publish the ledger, erase the blind index (from
    now on only the vault links ciphers to people) and mark who was present."""
    state = ensure_open(session, round_, settings)
    check = freeze_check(session, round_, steps, settings)
    if not check.ready:
        raise Conflict(
            _l("The round cannot be frozen yet: clear the page queue and account for every entry.")
        )
    works = list(session.execute(select(Work).where(Work.round_id == round_.id)).scalars())
    work_of_entry = _works_by_entry(session, round_, works, index_key(state, settings))
    facts: dict[str, object] = {}
    for step in steps:
        facts.update(step.at_freeze(session, round_, work_of_entry))
    for work in works:
        pages = [p for p in work.pages if p.status in (PageStatus.ANSWER, PageStatus.EXTRA)]
        pages.sort(key=lambda p: p.page_no or 0)
        work.work_hash = work_hash(work.cipher, [p.page_hash or "" for p in pages])
        work.serial_tag = None
    present = _mark_present(session, round_)
    for upload in session.execute(select(Upload).where(Upload.round_id == round_.id)).scalars():
        upload.key_server = None  # the originals now open only through the vault
    state.index_key_wrapped = None
    state.ledger_hash = ledger_hash((w.cipher, len(w.pages), w.work_hash or "") for w in works)
    state.frozen_at = utcnow()
    state.frozen_by_id = actor.id
    session.flush()
    record_event(
        session,
        actor=actor,
        action="scans.freeze_round",
        subject=f"round:{round_.id}",
        data={
            "ledger_hash": state.ledger_hash,
            "works": len(works),
            "marked_present": present,
            **facts,
        },
    )
    state.chain_head = chain_head(session)[1]
    session.flush()
    return state


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded with each frozen round's ledger, for `integrity audit verify`."""
    rows = session.execute(
        select(ScanRound.chain_head, ScanRound.round_id).where(ScanRound.chain_head.is_not(None))
    ).all()
    return {head: f"the ledger of round {rid}" for head, rid in rows if head is not None}

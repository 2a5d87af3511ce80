"""Answer-sheet kits: serials, access codes, printing, voiding and re-issuing."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.registry.domain.kinds import EntryStatus
from integrity.registry.models import Entry, Participant, Room, Round
from integrity.scans.domain.codes import new_access_code, new_serial
from integrity.scans.domain.kits import ExtraSheetSpec, KitHeader, KitSpec, render_kits
from integrity.scans.models import Booklet, BookletKind, BookletStatus, PrintRun
from integrity.scans.services.common import (
    access_code_hash,
    ensure_open,
    read_private,
    store_private,
)
from integrity.settings import Settings
from integrity.vault import domain as vault_crypto
from integrity.vault.services import server_key

PRINT_PURPOSE = "print-run"


def kit_header(round_: Round) -> KitHeader:
    subject = round_.subject
    return KitHeader(
        event_title_kk=subject.event.title_kk,
        event_title_ru=subject.event.title_ru,
        subject_kk=subject.name_kk,
        subject_ru=subject.name_ru,
        round_number=round_.number,
        round_code=round_.id,
        held_on=round_.held_on,
    )


def _fresh_serial(session: AnySession) -> int:
    while True:
        serial = new_serial()
        if not session.scalar(
            select(func.count()).select_from(Booklet).where(Booklet.serial == serial)
        ):
            return serial


def _new_booklet(
    session: AnySession, round_: Round, entry: Entry | None, settings: Settings
) -> tuple[Booklet, str | None]:
    code = new_access_code() if entry is not None else None
    booklet = Booklet(
        round_id=round_.id,
        kind=BookletKind.KIT if entry is not None else BookletKind.EXTRA,
        serial=_fresh_serial(session),
        entry=entry,
        answer_pages=round_.answer_pages if entry is not None else 1,
        access_code_hash=access_code_hash(code) if code else None,
        access_code_enc=vault_crypto.encrypt_blob(
            server_key("access-code", settings), code.encode(), b"access-code"
        )
        if code
        else None,
    )
    session.add(booklet)
    return booklet, code


def access_code_of(booklet: Booklet, settings: Settings) -> str:
    assert booklet.access_code_enc is not None
    return vault_crypto.decrypt_blob(
        server_key("access-code", settings), booklet.access_code_enc, b"access-code"
    ).decode()


def _seat_order(entry: Entry) -> tuple[str, int, str, str]:
    seat = entry.seat or ""
    number = int(seat) if seat.isdigit() else 10**6
    return (entry.room.name if entry.room else "~", number, seat, entry.participant.sort_key)


def _spec(round_: Round, header: KitHeader, booklet: Booklet, code: str) -> KitSpec:
    entry = booklet.entry
    assert entry is not None
    participant = entry.participant
    return KitSpec(
        header=header,
        serial=booklet.serial,
        answer_pages=booklet.answer_pages,
        participant_name=participant.full_name,
        school=participant.school.name_kk,
        grade=participant.grade,
        room=entry.room.name if entry.room else None,
        seat=entry.seat,
        access_code=code,
    )


def _entries_to_print(
    session: AnySession, round_: Round, room: Room | None, entry: Entry | None
) -> list[Entry]:
    """The round's entries (of one room, or one entry) that get a kit, in seating order."""
    query = (
        select(Entry)
        .where(Entry.round_id == round_.id, Entry.status != EntryStatus.DISQUALIFIED)
        .options(
            joinedload(Entry.participant).joinedload(Participant.school), joinedload(Entry.room)
        )
    )
    if room is not None:
        query = query.where(Entry.room_id == room.id)
    if entry is not None:
        if entry.round_id != round_.id:
            raise InvalidInput(_l("This entry is not in this round."), field="entry")
        query = query.where(Entry.id == entry.id)
    return sorted(session.execute(query).unique().scalars(), key=_seat_order)


def _kits_for(
    session: AnySession, round_: Round, entries: Sequence[Entry], settings: Settings
) -> tuple[list[tuple[Booklet, KitSpec]], int]:
    """Each entry's kit: the one issued before, else a new one. Returns them and how many are new."""
    issued = {
        b.entry_id: b
        for b in session.execute(
            select(Booklet).where(
                Booklet.round_id == round_.id, Booklet.status == BookletStatus.ISSUED
            )
        ).scalars()
    }
    header = kit_header(round_)
    kits: list[tuple[Booklet, KitSpec]] = []
    created = 0
    for e in entries:
        booklet = issued.get(e.id)
        if booklet is None:
            booklet, code = _new_booklet(session, round_, e, settings)
            created += 1
        else:
            code = access_code_of(booklet, settings)
        assert code is not None
        kits.append((booklet, _spec(round_, header, booklet, code)))
    return kits, created


def print_kits(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    room: Room | None = None,
    entry: Entry | None = None,
    extra_sheets: int = 0,
    settings: Settings,
) -> tuple[PrintRun, bytes]:
    """Print the kits of a round, of one room or of one entry, plus loose extra-answer sheets.

    Entries without a kit get one (a fresh random serial and access code); entries that have one
    get the same kit again. Disqualified entries get none.
    """
    ensure_open(session, round_, settings)
    if not 0 <= extra_sheets <= 500:
        raise InvalidInput(_l("Print between 0 and 500 extra sheets."), field="extra_sheets")
    entries = _entries_to_print(session, round_, room, entry)
    if not entries and not extra_sheets:
        raise InvalidInput(_l("There is nothing to print: no entries match."))
    kits, created = _kits_for(session, round_, entries, settings)
    extras = [_new_booklet(session, round_, None, settings)[0] for _ in range(extra_sheets)]
    session.flush()
    return _finish_run(
        session,
        actor=actor,
        round_=round_,
        kits=kits,
        extras=extras,
        scope=f"room:{room.name}" if room else f"entry:{entry.id}" if entry else "round",
        created=created,
        settings=settings,
    )


def _finish_run(
    session: AnySession,
    *,
    actor: Actor,
    round_: Round,
    kits: Sequence[tuple[Booklet, KitSpec]],
    extras: Sequence[Booklet],
    scope: str,
    created: int,
    settings: Settings,
    action: str = "scans.print_kits",
    extra_data: dict[str, object] | None = None,
) -> tuple[PrintRun, bytes]:
    buffer = io.BytesIO()
    header = kit_header(round_)
    pages = render_kits(
        [spec for _, spec in kits],
        buffer,
        extra_sheets=[ExtraSheetSpec(header, b.serial) for b in extras],
    )
    pdf = buffer.getvalue()
    run = PrintRun(
        round_id=round_.id,
        scope=scope,
        booklets=len(kits) + len(extras),
        pages=pages,
        file_sha256=store_private(pdf, PRINT_PURPOSE, settings),
        created_by_id=actor.id,
    )
    session.add(run)
    session.flush()
    for booklet in [*(b for b, _ in kits), *extras]:
        booklet.print_run_id = run.id
    record_event(
        session,
        actor=actor,
        action=action,
        subject=f"round:{round_.id}",
        data={
            "print_run_id": run.id,
            "scope": scope,
            "kits": len(kits),
            "new_kits": created,
            "extra_sheets": len(extras),
            "pages": pages,
            **(extra_data or {}),
        },
    )
    return run, pdf


def print_run_pdf(run: PrintRun, settings: Settings) -> bytes:
    return read_private(run.file_sha256, PRINT_PURPOSE, settings)


def parse_serial(text: str) -> int:
    digits = re.sub(r"[\s\-]", "", text)
    if not (digits.isdigit() and len(digits) == 8):
        raise InvalidInput(
            _l("A sheet serial has 8 digits, as printed: 1234-5678."), field="serial"
        )
    return int(digits)


def void_and_reissue(
    session: AnySession, *, actor: Actor, serial: int, reason: str, settings: Settings
) -> tuple[Booklet, PrintRun, bytes]:
    """A spoiled kit: its serial is voided for ever (a page bearing it is refused at ingest as
    foreign) and the entry gets a new kit with a new serial and access code."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(_l("Say why the kit is voided."), field="reason")
    old = session.execute(select(Booklet).where(Booklet.serial == serial)).scalar_one_or_none()
    if old is None or old.kind is not BookletKind.KIT:
        raise InvalidInput(_l("No kit has this serial."), field="serial")
    if old.status is BookletStatus.VOIDED:
        raise Conflict(_l("This kit is already voided."))
    round_ = session.get(Round, old.round_id)
    assert round_ is not None and old.entry is not None
    ensure_open(session, round_, settings)
    old.status, old.void_reason = BookletStatus.VOIDED, reason
    session.flush()
    new, code = _new_booklet(session, round_, old.entry, settings)
    session.flush()
    old.replaced_by_id = new.id
    assert code is not None
    run, pdf = _finish_run(
        session,
        actor=actor,
        round_=round_,
        kits=[(new, _spec(round_, kit_header(round_), new, code))],
        extras=[],
        scope=f"reissue:{old.entry_id}",
        created=1,
        settings=settings,
        action="scans.void_kit",
        extra_data={"voided_booklet_id": old.id, "new_booklet_id": new.id, "reason": reason},
    )
    return new, run, pdf

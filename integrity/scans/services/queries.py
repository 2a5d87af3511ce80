"""The read side of the scans' screens: what a page shows, gathered in one call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from integrity.db import AnySession
from integrity.registry.models import Entry, Event, Room, Round, Subject
from integrity.scans.models import (
    Booklet,
    BookletStatus,
    PageStatus,
    PrintRun,
    ScanPage,
    ScanRound,
    Upload,
    Work,
)
from integrity.scans.services.queue import FreezeCheck, FreezeStep, freeze_check
from integrity.settings import Settings


def rounds_overview(session: AnySession) -> tuple[list[Round], dict[int, ScanRound]]:
    """Every round, latest first, with its ingest state where it has one."""
    rounds = list(session.execute(select(Round).order_by(Round.id.desc())).scalars())
    states = {s.round_id: s for s in session.execute(select(ScanRound)).scalars()}
    return rounds, states


def all_rooms(session: AnySession) -> list[Room]:
    return list(session.execute(select(Room)).scalars())


@dataclass(frozen=True)
class RoundPage:
    state: ScanRound | None
    rooms: Sequence[Room]  # the rooms where the round's entries sit, by name
    uploads: Sequence[Upload]  # latest first
    runs: Sequence[PrintRun]  # latest first
    totals: dict[str, int]  # pages by status
    booklets: int  # kits issued
    works: int
    check: FreezeCheck | None  # what blocks the freeze, while the round is open


def _status_totals(rows: Sequence[Any]) -> dict[str, int]:
    return {getattr(status, "value", status): count for status, count in rows}


def round_totals(session: AnySession, round_id: int) -> dict[str, int]:
    """The round's pages by status, so far."""
    return _status_totals(
        session.execute(
            select(ScanPage.status, func.count())
            .join(Upload, ScanPage.upload_id == Upload.id)
            .where(Upload.round_id == round_id)
            .group_by(ScanPage.status)
        ).all()
    )


def round_page(
    session: AnySession, round_: Round, steps: Sequence[FreezeStep], settings: Settings
) -> RoundPage:
    state = session.get(ScanRound, round_.id)
    rooms = session.execute(
        select(Room)
        .join(Entry, Entry.room_id == Room.id)
        .where(Entry.round_id == round_.id)
        .distinct()
        .order_by(Room.name)
    ).scalars()
    uploads = session.execute(
        select(Upload).where(Upload.round_id == round_.id).order_by(Upload.id.desc())
    ).scalars()
    runs = session.execute(
        select(PrintRun).where(PrintRun.round_id == round_.id).order_by(PrintRun.id.desc())
    ).scalars()
    booklets = session.scalar(
        select(func.count())
        .select_from(Booklet)
        .where(Booklet.round_id == round_.id, Booklet.status == BookletStatus.ISSUED)
    )
    works = session.scalar(select(func.count()).select_from(Work).where(Work.round_id == round_.id))
    open_ = state is None or state.frozen_at is None
    return RoundPage(
        state=state,
        rooms=list(rooms),
        uploads=list(uploads),
        runs=list(runs),
        totals=round_totals(session, round_.id),
        booklets=booklets or 0,
        works=works or 0,
        check=freeze_check(session, round_, steps, settings) if open_ else None,
    )


@dataclass(frozen=True)
class FreezeSummary:
    """What a round's freeze would publish and seal, for the page that asks to confirm it."""

    frozen: bool
    check: FreezeCheck | None  # what blocks the freeze, while the round is open
    works: int
    uploads: int
    totals: dict[str, int]  # pages by status


def freeze_summary(
    session: AnySession, round_: Round, steps: Sequence[FreezeStep], settings: Settings
) -> FreezeSummary:
    state = session.get(ScanRound, round_.id)
    frozen = state is not None and state.frozen_at is not None
    return FreezeSummary(
        frozen=frozen,
        check=None if frozen else freeze_check(session, round_, steps, settings),
        works=session.scalar(
            select(func.count()).select_from(Work).where(Work.round_id == round_.id)
        )
        or 0,
        uploads=session.scalar(
            select(func.count()).select_from(Upload).where(Upload.round_id == round_.id)
        )
        or 0,
        totals=round_totals(session, round_.id),
    )


def upload_totals(session: AnySession, upload: Upload) -> dict[str, int]:
    """An upload's pages by status, so far."""
    return _status_totals(
        session.execute(
            select(ScanPage.status, func.count())
            .where(ScanPage.upload_id == upload.id)
            .group_by(ScanPage.status)
        ).all()
    )


def upload_pages(session: AnySession, upload: Upload) -> list[ScanPage]:
    return list(
        session.execute(
            select(ScanPage).where(ScanPage.upload_id == upload.id).order_by(ScanPage.index)
        ).scalars()
    )


# The public ledger's read side (integrity.public.ledger renders it; it queries nothing itself).


def frozen_rounds(session: AnySession) -> list[tuple[Round, ScanRound]]:
    """Every round whose ingest is frozen, the latest first."""
    rows = session.execute(
        select(Round, ScanRound)
        .join(ScanRound, ScanRound.round_id == Round.id)
        .where(ScanRound.frozen_at.is_not(None))
        .order_by(ScanRound.frozen_at.desc())
    ).all()
    return [(round_, state) for round_, state in rows]


def frozen_round(session: AnySession, round_id: int) -> tuple[Round, ScanRound] | None:
    """A round and its scan state, only once its ingest is frozen (its ledger is public)."""
    state = session.get(ScanRound, round_id)
    round_ = session.get(Round, round_id)
    if state is None or state.frozen_at is None or round_ is None:
        return None
    return round_, state


def ledger_works(session: AnySession, round_id: int) -> list[Work]:
    return list(
        session.execute(select(Work).where(Work.round_id == round_id).order_by(Work.cipher))
        .scalars()
        .all()
    )


def ledger_work(session: AnySession, cipher: str) -> Work | None:
    """A work by its cipher, once its hash is published."""
    work = session.execute(select(Work).where(Work.cipher == cipher.upper())).scalar_one_or_none()
    return work if work is not None and work.work_hash is not None else None


def ledger_record(work: Work) -> dict[str, object]:
    """A work's public record: its answer pages' hashes and the work hash over them."""
    pages = sorted(
        (p for p in work.pages if p.status in (PageStatus.ANSWER, PageStatus.EXTRA)),
        key=lambda p: p.page_no or 0,
    )
    return {
        "cipher": work.cipher,
        "round_id": work.round_id,
        "pages": [
            {"page": p.page_no, "image_sha256": p.masked_sha256, "page_hash": p.page_hash}
            for p in pages
        ],
        "work_hash": work.work_hash,
        "algorithm": "integrity-ledger-v1 (see README: The public ledger)",
    }


# What the risk analysis reads of the scans (integrity.risk.services.facts).


def rounds_with_dates(
    session: AnySession,
) -> list[tuple[Round, dt.date | None, dt.datetime | None]]:
    """Every round with its event's first day and the moment its scans were frozen, in one query
    (the analysis dates a round by its own day, else these)."""
    return [
        (round_, starts_on, frozen_at)
        for round_, starts_on, frozen_at in session.execute(
            select(Round, Event.starts_on, ScanRound.frozen_at)
            .join(Subject, Subject.id == Round.subject_id)
            .join(Event, Event.id == Subject.event_id)
            .outerjoin(ScanRound, ScanRound.round_id == Round.id)
            .order_by(Round.id)
        ).all()
    ]


@dataclass(frozen=True)
class PageCounts:
    pages: int
    by_hand: int
    discarded: int


def page_counts(session: AnySession, round_ids: Sequence[int]) -> PageCounts:
    """The rounds' scanned pages: all, those a person placed, those discarded."""
    rows = session.execute(
        select(ScanPage.status, ScanPage.resolved_by_id)
        .join(Upload, Upload.id == ScanPage.upload_id)
        .where(Upload.round_id.in_(list(round_ids)))
    ).all()
    return PageCounts(
        pages=len(rows),
        by_hand=sum(1 for _, by in rows if by is not None),
        discarded=sum(1 for status, _ in rows if status is PageStatus.DISCARDED),
    )

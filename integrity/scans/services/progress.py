"""How a round's uploads are getting on, for the round's page and its script: files still
travelling (resumable uploads: bytes sent of all), files being read (pages read of all), and the
round's pages by status so far. Read side only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from integrity.db import AnySession, utcnow
from integrity.registry.models import Round
from integrity.scans.models import Upload, UploadStatus, Work
from integrity.scans.services.queries import round_totals
from integrity.uploads.models import ResumableUpload, UploadState

PURPOSE = "scans"  # integrity.scans.tasks.SCANS_UPLOAD's name
RECENT = dt.timedelta(days=1)  # a resumable upload lives at most a day unfinished (uploads.EXPIRY)


@dataclass(frozen=True)
class Transfer:
    """A file still travelling, or arrived and being stored."""

    id: str
    filename: str
    sent: int
    length: int
    state: str  # UploadState: receiving, finishing


@dataclass(frozen=True)
class RoundProgress:
    transfers: Sequence[Transfer]
    uploads: Sequence[Upload]  # latest first
    via: dict[int, str]  # a stored upload's id -> the resumable upload it arrived by
    totals: dict[str, int]  # the round's pages by status
    works: int

    @property
    def busy(self) -> bool:
        unfinished = (UploadStatus.QUEUED.value, UploadStatus.PROCESSING.value)
        return bool(self.transfers) or any(u.status in unfinished for u in self.uploads)


def _resumables(session: AnySession, round_: Round) -> list[ResumableUpload]:
    """The round's scans sent in chunks lately that did not end or fail."""
    rows = session.execute(
        select(ResumableUpload)
        .where(
            ResumableUpload.purpose == PURPOSE,
            ResumableUpload.state.in_(
                [UploadState.RECEIVING.value, UploadState.FINISHING.value, UploadState.DONE.value]
            ),
            ResumableUpload.updated_at >= utcnow() - RECENT,
        )
        .order_by(ResumableUpload.created_at.desc())
    ).scalars()
    return [r for r in rows if r.target.get("round_id") == round_.id]


def round_progress(session: AnySession, round_: Round) -> RoundProgress:
    resumables = _resumables(session, round_)
    travelling = (UploadState.RECEIVING.value, UploadState.FINISHING.value)
    return RoundProgress(
        transfers=[
            Transfer(r.id, r.filename, r.offset, r.length, r.state)
            for r in resumables
            if r.state in travelling
        ],
        uploads=list(
            session.execute(
                select(Upload).where(Upload.round_id == round_.id).order_by(Upload.id.desc())
            ).scalars()
        ),
        via={
            int(r.result["upload_id"]): r.id
            for r in resumables
            if r.state == UploadState.DONE.value and r.result and "upload_id" in r.result
        },
        totals=round_totals(session, round_.id),
        works=session.scalar(
            select(func.count()).select_from(Work).where(Work.round_id == round_.id)
        )
        or 0,
    )

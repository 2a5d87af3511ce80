"""The server's record of each resumable upload; the bytes wait in a file beside the database."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from integrity.db import Base, UTCDateTime, utcnow


class UploadState(StrEnum):
    RECEIVING = "receiving"  # chunks arrive; ``offset`` bytes are on disk
    FINISHING = "finishing"  # every byte arrived; a job hands the file to its purpose
    DONE = "done"  # the purpose took it (``result`` says what became of it)
    REFUSED = "refused"  # the purpose refused it (``result`` says why)
    FAILED = "failed"  # the job gave up (``error``)
    ENDED = "ended"  # cancelled by its sender, or expired unfinished


class ResumableUpload(Base):
    __tablename__ = "resumable_upload"
    __table_args__ = (
        CheckConstraint(
            "state IN ('receiving', 'finishing', 'done', 'refused', 'failed', 'ended')",
            name="state",
        ),
        CheckConstraint('0 <= "offset" AND "offset" <= length', name="offset"),
    )

    id: Mapped[str] = mapped_column(String(43), primary_key=True)  # random: the upload's URL
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    target: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    locale: Mapped[str] = mapped_column(String(8), nullable=False)  # the sender's, for verdicts
    length: Mapped[int] = mapped_column(BigInteger, nullable=False)
    offset: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=UploadState.RECEIVING)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)

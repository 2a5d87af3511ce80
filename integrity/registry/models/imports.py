"""One uploaded participant or juror list, from upload to import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.domain.kinds import ImportState


class ImportRun(Base):
    """One uploaded participant or juror list, from upload to import. The file is kept encrypted
    (it holds IINs of minors) under ``stored_sha256`` until it is imported or refused; checking
    and importing run in jobs, so no request parses a large table."""

    __tablename__ = "import_run"
    __table_args__ = (
        CheckConstraint("kind IN ('participants', 'jurors')", name="kind"),
        CheckConstraint(
            "state IN ('checking', 'checked', 'refused', 'applying', 'applied', 'failed')",
            name="state",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    stored_sha256: Mapped[str | None] = mapped_column(String(64))  # None once no longer needed
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=ImportState.CHECKING)
    accept_unknown_columns: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # What the check (then the import) found: counts, unknown columns, bad rows, a table error.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

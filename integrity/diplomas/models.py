"""Diplomas and certificates, the keys that sign them, their counters and batches.

A document is never deleted: a mistake is annulled, a correction supersedes it with a new serial.
``source`` says what a document was issued for (an entry's award in a protocol); it is unique, so
issuing a protocol's batch again finds what exists instead of issuing twice.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.models import Event, enum_column


class KeyState(StrEnum):
    ACTIVE = "active"  # signs new documents; one at a time
    RETIRED = "retired"  # still verifies what it signed before ``valid_until``


class DocumentStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"  # an appeal or a check is pending
    ANNULLED = "annulled"
    SUPERSEDED = "superseded"  # re-issued under a new serial


class AnnulKind(StrEnum):
    """Why a document was annulled, as the public check says it."""

    ERROR = "error"  # issued by mistake (the default for annulments made before kinds existed)
    REISSUED = "reissued"  # another document replaces it (``superseded_by`` when it is known)
    REVOKED = "revoked"  # withdrawn: the award no longer stands


class BatchState(StrEnum):
    REQUESTED = "requested"  # by the maker; waits for a checker
    REJECTED = "rejected"
    APPROVED = "approved"  # documents issued; the PDFs render in a job
    DONE = "done"
    FAILED = "failed"


class SigningKey(Base):
    __tablename__ = "signing_key"
    __table_args__ = (CheckConstraint("id > 0 AND id < 65536", name="key_id_fits_payload"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    private_wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    state: Mapped[KeyState] = mapped_column(
        enum_column(KeyState, "signing_key_state"), nullable=False
    )
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Counter(Base):
    """The last number given out under a name: ``ZHD-26-D1`` for serials, ``status`` for the
    status-list index. Read with a row lock and raised in the same transaction as the issue."""

    __tablename__ = "diploma_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Batch(Base):
    """A protocol's documents, asked for by one user and approved by another."""

    __tablename__ = "diploma_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        ForeignKey("protocol.id", ondelete="CASCADE"), nullable=False, index=True
    )
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    participation: Mapped[bool] = mapped_column(nullable=False, default=False)
    state: Mapped[BatchState] = mapped_column(
        enum_column(BatchState, "diploma_batch_state"), nullable=False
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    archive: Mapped[str | None] = mapped_column(String(200))  # the ZIP, in the file store
    error: Mapped[str | None] = mapped_column(Text)


class Diploma(Base):
    __tablename__ = "diploma"
    __table_args__ = (
        UniqueConstraint("issuer", "year", "doc_type", "sequence"),
        CheckConstraint("status != 'superseded' OR superseded_by_id IS NOT NULL", name="succ"),
        CheckConstraint("status != 'annulled' OR annul_kind IS NOT NULL", name="annulled_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    issuer: Mapped[str] = mapped_column(String(3), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    doc_type: Mapped[str] = mapped_column(String(2), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    status_index: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_key.id"), nullable=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # signed, as in the QR
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)  # as printed
    name: Mapped[str] = mapped_column(String(300), nullable=False)  # as printed
    surname_key: Mapped[str] = mapped_column(String(200), nullable=False)
    grade: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    school: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    award_note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    source: Mapped[str | None] = mapped_column(String(64), unique=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("diploma_batch.id"), index=True)
    status: Mapped[DocumentStatus] = mapped_column(
        enum_column(DocumentStatus, "diploma_status"), nullable=False, default=DocumentStatus.VALID
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    annul_kind: Mapped[AnnulKind | None] = mapped_column(
        enum_column(AnnulKind, "diploma_annul_kind")
    )
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("diploma.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    event: Mapped[Event] = relationship()
    superseded_by: Mapped[Diploma | None] = relationship(remote_side=[id])


class StatusList(Base):
    """The signed status list as last published (one row): re-signed on every issue or change,
    so serving it needs no private key."""

    __tablename__ = "diploma_status_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # The audit chain's head when it was last signed (`integrity audit verify` checks it).
    chain_head: Mapped[str | None] = mapped_column(String(64))

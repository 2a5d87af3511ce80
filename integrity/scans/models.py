"""Answer-sheet kits, scan uploads, page classifications and ciphered works.

What is deliberately NOT stored in plain form (see the identity vault):
- which work (cipher) belongs to which booklet or entry: only a keyed blind index during ingest
  (``Work.serial_tag``, erased when the round is frozen) and a sealed record in ``vault``;
- which upload page was whose cover: cover pages carry no booklet reference, and their images are
  encrypted to the vault key.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.models import Entry, Round, enum_column


class BookletKind(StrEnum):
    KIT = "kit"  # a participant's cover sheet and answer pages
    EXTRA = "extra"  # a loose extra-answer sheet, owned by nobody until a person attaches it


class BookletStatus(StrEnum):
    ISSUED = "issued"
    VOIDED = "voided"


class PageStatus(StrEnum):
    COVER = "cover"
    ANSWER = "answer"
    EXTRA = "extra"
    UNREADABLE = "unreadable"
    FOREIGN = "foreign"
    DUPLICATE = "duplicate"
    DISCARDED = "discarded"


QUEUE_STATUSES = (PageStatus.UNREADABLE, PageStatus.FOREIGN, PageStatus.DUPLICATE, PageStatus.EXTRA)


class UploadStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class ScanRound(Base):
    """A round's ingest state: its blind-index key while open, its freeze and ledger once closed."""

    __tablename__ = "scan_round"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    # Key for the serial → work blind index, wrapped with a key derived from the app secret.
    # Erased at freeze: from then on nothing in the database links a cipher to a serial.
    index_key_wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    ledger_hash: Mapped[str | None] = mapped_column(String(64))
    chain_head: Mapped[str | None] = mapped_column(String(64))

    round: Mapped[Round] = relationship()


class PrintRun(Base):
    """One kit PDF as printed; stored encrypted (it holds names and access codes)."""

    __tablename__ = "print_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    scope: Mapped[str] = mapped_column(String(200), nullable=False)
    booklets: Mapped[int] = mapped_column(Integer, nullable=False)
    pages: Mapped[int] = mapped_column(Integer, nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class Booklet(Base):
    """One printed kit (or extra sheet) and its random sheet serial; never deleted, voided instead."""

    __tablename__ = "booklet"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[BookletKind] = mapped_column(
        enum_column(BookletKind, "booklet_kind"), nullable=False
    )
    serial: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entry.id"), index=True)
    answer_pages: Mapped[int] = mapped_column(Integer, nullable=False)
    # The appeal access code printed on the stub: its SHA-256 to find the booklet by it, and the code
    # encrypted with a server-derived key so the same kit can be printed again.
    access_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    access_code_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[BookletStatus] = mapped_column(
        enum_column(BookletStatus, "booklet_status"), nullable=False, default=BookletStatus.ISSUED
    )
    void_reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("booklet.id"))
    print_run_id: Mapped[int | None] = mapped_column(ForeignKey("print_run.id"))
    # Set at ingest without saying which page or work: attendance evidence for the freeze check.
    cover_seen: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    has_work: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    entry: Mapped[Entry | None] = relationship()

    __table_args__ = (
        CheckConstraint("serial BETWEEN 10000000 AND 99999999", name="serial_digits"),
        CheckConstraint("(kind = 'kit') = (entry_id IS NOT NULL)", name="kit_has_entry"),
        CheckConstraint("status <> 'voided' OR void_reason IS NOT NULL", name="void_has_reason"),
        Index(
            "uq_booklet_issued_entry",
            "entry_id",
            unique=True,
            sqlite_where=text("status = 'issued' AND entry_id IS NOT NULL"),
            postgresql_where=text("status = 'issued' AND entry_id IS NOT NULL"),
        ),
    )


class Upload(Base):
    """One uploaded file. The original is stored encrypted (see scans.storage), by its SHA-256."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    filename: Mapped[str] = mapped_column(String(300), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)  # pdf or image
    stored_sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # of the encrypted blob
    key_server: Mapped[bytes | None] = mapped_column(
        LargeBinary
    )  # wrapped with the app-derived key
    key_sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # sealed to the vault
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=UploadStatus.QUEUED.value
    )
    error: Mapped[str | None] = mapped_column(Text)
    pages_total: Mapped[int | None] = mapped_column(Integer)
    pages_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("round_id", "sha256"),)


class Work(Base):
    """The anonymised pages of one booklet, known by its cipher. No booklet or entry reference."""

    __tablename__ = "work"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    cipher: Mapped[str] = mapped_column(String(8), nullable=False, unique=True)
    serial_tag: Mapped[str | None] = mapped_column(
        String(64)
    )  # HMAC of the serial; erased at freeze
    expected_pages: Mapped[int] = mapped_column(Integer, nullable=False)
    work_hash: Mapped[str | None] = mapped_column(String(64))
    # The participant's grade: protocols rank per subject and grade, and a grade names nobody.
    grade: Mapped[int | None] = mapped_column(Integer)
    # HMAC (server key) of the kit's appeal access code: lets a participant holding the code reach
    # their own work after the freeze, and tells a copied database nothing without the secret.
    appeal_tag: Mapped[str | None] = mapped_column(String(64), unique=True)

    pages: Mapped[list[ScanPage]] = relationship(back_populates="work", order_by="ScanPage.page_no")

    __table_args__ = (UniqueConstraint("round_id", "serial_tag"),)


class ScanPage(Base):
    """One page of one upload and what became of it."""

    __tablename__ = "scan_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(
        ForeignKey("upload.id", ondelete="CASCADE"), nullable=False
    )
    index: Mapped[int] = mapped_column(Integer, nullable=False)  # 0-based page of the upload
    status: Mapped[PageStatus] = mapped_column(
        enum_column(PageStatus, "page_status"), nullable=False
    )
    detail: Mapped[str | None] = mapped_column(String(200))  # e.g. why unreadable or foreign
    # The serial read, kept only where it names no work: a foreign or duplicate page, a page
    # still in the queue, or an extra sheet's own serial. Never on a cover or a page of a work.
    serial: Mapped[int | None] = mapped_column(Integer)
    page_no: Mapped[int | None] = mapped_column(Integer)
    # Degrees the page was turned counter-clockwise to stand upright, to a tenth of a degree. The
    # quarter turns are undone in the stored image; the skew of a few degrees is left in its pixels
    # (resampling would cost more than the rest of the page) and is what a viewer may still undo.
    rotation: Mapped[float | None] = mapped_column(Float)
    work_id: Mapped[int | None] = mapped_column(ForeignKey("work.id"), index=True)
    # The straightened page (queue thumbnail), encrypted with a server-wrapped key; for covers the
    # key is sealed to the vault only.
    image_sha256: Mapped[str | None] = mapped_column(String(64))
    image_key_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # What a juror sees: codes masked, no metadata. Plain PNG/JPEG bytes by SHA-256.
    masked_sha256: Mapped[str | None] = mapped_column(String(64))
    page_hash: Mapped[str | None] = mapped_column(String(64))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(Text)

    work: Mapped[Work | None] = relationship(back_populates="pages")

    __table_args__ = (
        UniqueConstraint("upload_id", "index"),
        Index(
            "uq_scan_page_work_page",
            "work_id",
            "page_no",
            unique=True,
            sqlite_where=text("status IN ('answer', 'extra') AND work_id IS NOT NULL"),
            postgresql_where=text("status IN ('answer', 'extra') AND work_id IS NOT NULL"),
        ),
    )

"""Score protocols, their frozen versions, and score changes after a freeze.

A protocol is one subject round's ranking for one grade. Its content is frozen into versions
(canonical JSON, hashed, with the audit chain head at that moment); a later change of a score is a
new ``ScoreEvent`` and a new version, never an edit.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.models import Round, Task, enum_column
from integrity.scans.models import Work


class ProtocolState(StrEnum):
    DRAFT = "draft"
    FROZEN = "frozen"  # ciphered, hashed
    PUBLISHED = "published"  # ciphered, on the public site; the appeal window runs
    APPEALS_CLOSED = "appeals_closed"
    UNSEALED = "unsealed"
    FINAL = "final"  # named, frozen
    FINAL_PUBLISHED = "final_published"


class Protocol(Base):
    __tablename__ = "protocol"
    __table_args__ = (UniqueConstraint("round_id", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[ProtocolState] = mapped_column(
        enum_column(ProtocolState, "protocol_state"), nullable=False, default=ProtocolState.DRAFT
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    appeals_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    appeals_closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unsealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    final_frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    final_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()
    versions: Mapped[list[ProtocolVersion]] = relationship(
        back_populates="protocol", order_by="ProtocolVersion.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> ProtocolVersion | None:
        return self.versions[-1] if self.versions else None


class ProtocolVersion(Base):
    __tablename__ = "protocol_version"
    __table_args__ = (UniqueConstraint("protocol_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        ForeignKey("protocol.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    named: Mapped[bool] = mapped_column(default=False, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    chain_head: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    frozen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    protocol: Mapped[Protocol] = relationship(back_populates="versions")


class PublicRendering(Base):
    """A numbered public rendering of a named version: what the public saw from ``published_at``
    (names of pupils without consent withheld), with its own hash. A new one is stored, and logged,
    whenever consent changes what the public sees."""

    __tablename__ = "protocol_public_rendering"
    __table_args__ = (UniqueConstraint("protocol_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(
        ForeignKey("protocol.id", ondelete="CASCADE"), nullable=False
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("protocol_version.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ScoreEvent(Base):
    """A change of a task's score after the protocol was frozen (an appeal or the chair): the
    reconciled score stays as it was; the latest event is the score that counts."""

    __tablename__ = "score_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), nullable=False, index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    before: Mapped[int] = mapped_column(Integer, nullable=False)  # sixtieths of a point
    after: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # appeal | chair
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    work: Mapped[Work] = relationship()
    task: Mapped[Task] = relationship()


class Appeal(Base):
    """A participant's (or supervisor's) appeal against the marking of their work; one per work."""

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    protocol_id: Mapped[int] = mapped_column(
        ForeignKey("protocol.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filed_as: Mapped[str] = mapped_column(String(16), nullable=False)  # participant | supervisor
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    commission: Mapped[str] = mapped_column(String(200), nullable=False)  # juror ids, drawn
    outcome: Mapped[str | None] = mapped_column(String(16))  # unchanged | raised | lowered
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    work: Mapped[Work] = relationship()
    protocol: Mapped[Protocol] = relationship()

    @property
    def commission_ids(self) -> list[int]:
        return [int(n) for n in self.commission.split(",") if n]

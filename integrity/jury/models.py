"""Conflicts of interest, the draw, marks and reconciled task scores.

Nothing here names a participant next to a cipher. Conflicts are decided by juror and entry before
the scans are frozen; at the freeze, while the blind index still links works to booklets, each
work's list of jurors who must not mark it is written down (``WorkConflict``), and from then on the
draw and the marking know works by cipher only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.models import Juror, Round, Task, enum_column
from integrity.scans.models import Work


class ConflictDecision(Base):
    """The chair's decision on a potential conflict, with the reason given."""

    __tablename__ = "conflict_decision"
    __table_args__ = (UniqueConstraint("juror_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), nullable=False
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entry.id", ondelete="CASCADE"), nullable=False
    )
    confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ConflictCheck(Base):
    """A juror whose conflicts were written down when the round's scans were frozen, with a
    fingerprint of the facts used: a juror added later, or whose school or declared relations
    changed since, cannot be drawn for the round."""

    __tablename__ = "conflict_check"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class WorkConflict(Base):
    """A juror who must not mark a work (a hard conflict or a confirmed potential one)."""

    __tablename__ = "work_conflict"

    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), primary_key=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), primary_key=True
    )


class DrawState(StrEnum):
    FROZEN = "frozen"  # manifest frozen and its hash published
    COMMITTED = "committed"  # the server's commitment published; contributions are entered now
    REVEALED = "revealed"  # secret revealed, final seed and assignment fixed
    CANCELLED = "cancelled"  # abandoned before the reveal (inputs changed); kept for the record


class Draw(Base):
    __tablename__ = "draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    mode: Mapped[str] = mapped_column(String(8), nullable=False)
    state: Mapped[DrawState] = mapped_column(enum_column(DrawState, "draw_state"), nullable=False)
    manifest: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    frozen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The secret, encrypted with a server key until it is revealed (then kept in plain).
    secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    commitment: Mapped[str | None] = mapped_column(String(64))
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    secret: Mapped[str | None] = mapped_column(String(64))
    final_seed: Mapped[str | None] = mapped_column(String(64))
    assignment_sha256: Mapped[str | None] = mapped_column(String(64))
    revealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The audit chain's head when the assignment was revealed (`integrity audit verify` checks it).
    chain_head: Mapped[str | None] = mapped_column(String(64))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    round: Mapped[Round] = relationship()
    contributions: Mapped[list[DrawContribution]] = relationship(
        back_populates="draw", order_by="DrawContribution.position", cascade="all, delete-orphan"
    )


class DrawContribution(Base):
    __tablename__ = "draw_contribution"
    __table_args__ = (UniqueConstraint("draw_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draw.id", ondelete="CASCADE"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    contributor: Mapped[str] = mapped_column(String(200), nullable=False)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    draw: Mapped[Draw] = relationship(back_populates="contributions")


class AssignmentRole(StrEnum):
    MARKER = "marker"  # drawn: one of the k markers, or a panelist
    THIRD = "third"  # drawn later from the same seed, for tasks beyond tolerance


class Assignment(Base):
    """One juror's marking of one work."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("work_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("draw.id", ondelete="CASCADE"), nullable=False)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), nullable=False, index=True
    )
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[AssignmentRole] = mapped_column(
        enum_column(AssignmentRole, "assignment_role"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    # For a third marker: the task numbers to mark, comma-separated (all tasks when empty).
    tasks: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    work: Mapped[Work] = relationship()
    juror: Mapped[Juror] = relationship()
    marks: Mapped[list[Mark]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan"
    )

    @property
    def task_numbers(self) -> set[int] | None:
        return {int(n) for n in self.tasks.split(",")} if self.tasks else None


class MarkingState(StrEnum):
    """Where one juror's marking of one work stands (derived, never stored)."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Mark(Base):
    """One juror's points for one task of one work: per criterion, in half-point units."""

    __tablename__ = "mark"
    __table_args__ = (UniqueConstraint("assignment_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    units: Mapped[int] = mapped_column(Integer, nullable=False)
    criteria: Mapped[str] = mapped_column(Text, nullable=False)  # JSON {criterion number: units}
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="marks")
    task: Mapped[Task] = relationship()


class ScoreStatus(StrEnum):
    AGREED = "agreed"  # within tolerance: the mean
    MEDIAN = "median"  # a third marking settled it
    PANEL = "panel"  # a panel's trimmed mean
    CHAIR = "chair"  # the chair decided, with a reason
    AWAITING_THIRD = "awaiting_third"
    AWAITING_CHAIR = "awaiting_chair"


class TaskScore(Base):
    """The reconciled score of one task of one work, in sixtieths of a point (exact for the mean
    of two, three or five half-point marks)."""

    __tablename__ = "task_score"
    __table_args__ = (UniqueConstraint("work_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), nullable=False, index=True
    )
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    status: Mapped[ScoreStatus] = mapped_column(
        enum_column(ScoreStatus, "score_status"), nullable=False
    )
    sixtieths: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    task: Mapped[Task] = relationship()


class MarksLock(Base):
    """Marks and reconciled scores of one round's grade stop changing here: written when the
    grade's protocol is frozen (by the protocols area, through ``marking.lock_marks``), so that
    marking, which comes first in the flow, need not read protocols. From then on a score changes
    only through an appeal's score event."""

    __tablename__ = "marks_lock"

    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), primary_key=True)
    grade: Mapped[int] = mapped_column(Integer, primary_key=True)
    locked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

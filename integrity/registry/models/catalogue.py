"""The catalogue: events, their subjects, rounds, tasks and marking criteria."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.domain.kinds import (
    EventKind,
    Stage,
)
from integrity.registry.models.columns import enum_column


class Event(Base):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_kk: Mapped[str] = mapped_column(String(300), nullable=False)
    title_ru: Mapped[str] = mapped_column(String(300), nullable=False)
    title_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"), nullable=False)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "event_stage"), nullable=False)
    academic_year: Mapped[str] = mapped_column(String(9), nullable=False)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    # Conflict-of-interest policy: a juror from the participant's district is in conflict.
    same_district_conflict: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Prize policy as JSON (integrity.protocols.domain.Policy.from_config); None: the default.
    prize_policy: Mapped[str | None] = mapped_column(Text)
    appeal_hours: Mapped[int] = mapped_column(
        Integer, nullable=False, default=24, server_default="24"
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    subjects: Mapped[list[Subject]] = relationship(
        back_populates="event", order_by="Subject.code", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates"
        ),
    )

    def title(self, locale: str) -> str:
        return (
            {"kk": self.title_kk, "ru": self.title_ru}.get(locale) or self.title_en or self.title_kk
        )


class Subject(Base):
    """A subject or nomination of an event, open to a range of grades."""

    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False
    )
    code: Mapped[str] = mapped_column(String(16), nullable=False)
    name_kk: Mapped[str] = mapped_column(String(200), nullable=False)
    name_ru: Mapped[str] = mapped_column(String(200), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(200))
    grade_min: Mapped[int] = mapped_column(Integer, nullable=False)
    grade_max: Mapped[int] = mapped_column(Integer, nullable=False)

    event: Mapped[Event] = relationship(back_populates="subjects")
    rounds: Mapped[list[Round]] = relationship(
        back_populates="subject", order_by="Round.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("event_id", "code"),
        CheckConstraint(
            "grade_min >= 1 AND grade_max <= 12 AND grade_min <= grade_max", name="grades"
        ),
    )

    def name(self, locale: str) -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get(locale) or self.name_en or self.name_kk


class Round(Base):
    """One sitting (tour) of a subject."""

    __tablename__ = "round"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subject.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    answer_pages: Mapped[int] = mapped_column(Integer, nullable=False, default=4)
    # Set when the round's score protocol is frozen; the identity vault opens only after it.
    results_frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # What a protocol of the round is signed with, as last confirmed at a protocol's freeze (each
    # frozen version keeps its own copy): the place it is drawn up in, the jury's chair and its
    # members, one name a line.
    place: Mapped[str | None] = mapped_column(String(300))
    jury_chair: Mapped[str | None] = mapped_column(String(200))
    jury_members: Mapped[str | None] = mapped_column(Text)

    subject: Mapped[Subject] = relationship(back_populates="rounds")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="round", order_by="Task.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("subject_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("answer_pages BETWEEN 1 AND 64", name="answer_pages"),
    )


class Task(Base):
    """A problem of a round. Points are integer half-points (units); see registry.domain.kinds."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    title_kk: Mapped[str] = mapped_column(String(300), nullable=False)
    title_ru: Mapped[str] = mapped_column(String(300), nullable=False)
    max_units: Mapped[int] = mapped_column(Integer, nullable=False)
    tolerance_units: Mapped[int | None] = mapped_column(Integer)
    # Set when marking starts; from then on the scheme cannot change.
    scheme_frozen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The frozen scheme's version (a wording correction after the freeze adds one) and the SHA-256
    # of that version's canonical form (registry.domain.scheme); None until frozen.
    scheme_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, server_default="1"
    )
    scheme_sha256: Mapped[str | None] = mapped_column(String(64))

    round: Mapped[Round] = relationship(back_populates="tasks")
    criteria: Mapped[list[TaskCriterion]] = relationship(
        back_populates="task", order_by="TaskCriterion.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("round_id", "number"),
        CheckConstraint("max_units > 0", name="max_positive"),
        CheckConstraint("tolerance_units IS NULL OR tolerance_units >= 0", name="tolerance"),
    )


class TaskCriterion(Base):
    __tablename__ = "task_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    description_kk: Mapped[str] = mapped_column(Text, nullable=False)
    description_ru: Mapped[str] = mapped_column(Text, nullable=False)
    max_units: Mapped[int] = mapped_column(Integer, nullable=False)

    task: Mapped[Task] = relationship(back_populates="criteria")

    def description_in(self, locale: str) -> tuple[str, str | None]:
        """The wording in the reader's language, and None; or, when that one was not entered, the
        other language's wording and that language's code (a screen marks it "in Kazakh")."""
        own, other = ("ru", "kk") if locale == "ru" else ("kk", "ru")
        text = getattr(self, f"description_{own}")
        return (text, None) if text else (getattr(self, f"description_{other}"), other)

    __table_args__ = (
        UniqueConstraint("task_id", "number"),
        CheckConstraint("max_units > 0", name="max_positive"),
    )

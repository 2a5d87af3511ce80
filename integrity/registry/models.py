"""Registry tables: events, subjects, rounds, tasks, places, people and entries."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.domain import collation_key, full_name, name_key
from integrity.registry.domain.kinds import (
    EntryStatus,
    EventKind,
    OrganisationKind,
    RelationKind,
    Stage,
)


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint (no native PostgreSQL type to migrate)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


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
    """A problem of a round. Points are integer half-points (units); see registry.kinds."""

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

    __table_args__ = (
        UniqueConstraint("task_id", "number"),
        CheckConstraint("max_units > 0", name="max_positive"),
    )


class District(Base):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_kk: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    name_ru: Mapped[str] = mapped_column(String(200), nullable=False)
    kato: Mapped[str | None] = mapped_column(String(9), unique=True)

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_kk


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), nullable=False, index=True)
    name_kk: Mapped[str] = mapped_column(String(300), nullable=False)
    name_ru: Mapped[str] = mapped_column(String(300), nullable=False)
    bin: Mapped[str | None] = mapped_column(String(12), unique=True)

    district: Mapped[District] = relationship()

    __table_args__ = (UniqueConstraint("district_id", "name_kk"),)

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_kk


class Participant(Base):
    """A pupil. Minors: public pages show only what the guardian's consent allows, never the IIN."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    supervisor: Mapped[str | None] = mapped_column(String(200))
    # Derived from the name on every write (see _name_keys): lower-case ё→е for search, and a
    # key that sorts in Kazakh alphabetical order.
    search_key: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    sort_key: Mapped[str] = mapped_column(String(640), nullable=False, index=True)
    consent_by: Mapped[str | None] = mapped_column(String(200))
    consent_date: Mapped[dt.date | None] = mapped_column(Date)
    consent_public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    school: Mapped[School] = relationship()

    __table_args__ = (
        CheckConstraint("grade BETWEEN 1 AND 12", name="grade"),
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        CheckConstraint("length(iin) = 12", name="iin_length"),
    )

    @property
    def full_name(self) -> str:
        return full_name(self.surname, self.given_name, self.patronymic)

    @property
    def has_consent(self) -> bool:
        return self.consent_date is not None and bool(self.consent_by)


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False, unique=True)
    address: Mapped[str | None] = mapped_column(String(300))

    rooms: Mapped[list[Room]] = relationship(
        back_populates="venue", order_by="Room.name", cascade="all, delete-orphan"
    )


class Room(Base):
    __tablename__ = "room"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venue.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    camera_stream_url: Mapped[str | None] = mapped_column(String(500))
    recording_url: Mapped[str | None] = mapped_column(String(500))

    venue: Mapped[Venue] = relationship(back_populates="rooms")
    observers: Mapped[list[RoomObserver]] = relationship(
        back_populates="room", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("venue_id", "name"),
        CheckConstraint("capacity > 0", name="capacity"),
    )


class RoomObserver(Base):
    __tablename__ = "room_observer"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), nullable=False)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    organisation: Mapped[str | None] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    room: Mapped[Room] = relationship(back_populates="observers")


class Entry(Base):
    """A participant registered in a round of a subject."""

    __tablename__ = "entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id"), nullable=False, index=True
    )
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "entry_status"), nullable=False, default=EntryStatus.REGISTERED
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"))
    seat: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    round: Mapped[Round] = relationship()
    participant: Mapped[Participant] = relationship()
    room: Mapped[Room | None] = relationship()

    __table_args__ = (
        UniqueConstraint("round_id", "participant_id"),
        CheckConstraint(
            "status <> 'disqualified' OR (status_reason IS NOT NULL AND status_reason <> '')",
            name="disqualified_has_reason",
        ),
    )


class Juror(Base):
    __tablename__ = "juror"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    surname: Mapped[str] = mapped_column(String(100), nullable=False)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    patronymic: Mapped[str | None] = mapped_column(String(100))
    organisation_kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "organisation_kind"), nullable=False
    )
    organisation: Mapped[str] = mapped_column(String(300), nullable=False)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    search_key: Mapped[str] = mapped_column(String(320), nullable=False, index=True)
    sort_key: Mapped[str] = mapped_column(String(640), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    school: Mapped[School | None] = relationship()
    district: Mapped[District | None] = relationship()
    subjects: Mapped[list[JurorSubject]] = relationship(
        back_populates="juror", cascade="all, delete-orphan"
    )
    relations: Mapped[list[JurorRelation]] = relationship(
        back_populates="juror", cascade="all, delete-orphan"
    )
    declarations: Mapped[list[JurorDeclaration]] = relationship(
        back_populates="juror", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return full_name(self.surname, self.given_name, self.patronymic)

    def declaration_for(self, event_id: int) -> JurorDeclaration | None:
        return next((d for d in self.declarations if d.event_id == event_id), None)


class JurorSubject(Base):
    __tablename__ = "juror_subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), nullable=False
    )
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subject.id", ondelete="CASCADE"), nullable=False, index=True
    )

    juror: Mapped[Juror] = relationship(back_populates="subjects")
    subject: Mapped[Subject] = relationship()

    __table_args__ = (UniqueConstraint("juror_id", "subject_id"),)


class JurorRelation(Base):
    """A declared tie that puts a juror in conflict: a relative, an own pupil, a supervised project."""

    __tablename__ = "juror_relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[RelationKind] = mapped_column(
        enum_column(RelationKind, "relation_kind"), nullable=False
    )
    iin: Mapped[str | None] = mapped_column(String(12), index=True)
    full_name: Mapped[str] = mapped_column(String(300), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)

    juror: Mapped[Juror] = relationship(back_populates="relations")


class JurorDeclaration(Base):
    """The juror's signed conflict-of-interest declaration for one event."""

    __tablename__ = "juror_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(
        ForeignKey("juror.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False
    )
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    juror: Mapped[Juror] = relationship(back_populates="declarations")

    __table_args__ = (UniqueConstraint("juror_id", "event_id"),)


Index("ix_participant_school_grade", Participant.school_id, Participant.grade)


def _name_keys(mapper: Any, connection: Any, target: Participant | Juror) -> None:
    full = full_name(target.surname, target.given_name, target.patronymic)
    target.search_key = name_key(full)
    target.sort_key = collation_key(full)


class ImportState(StrEnum):
    CHECKING = "checking"  # the file waits for, or is in, the job that reads it
    CHECKED = "checked"  # read: the result lists bad rows and unknown columns; confirm to import
    REFUSED = "refused"  # the file itself could not be read (its error is in ``result``)
    APPLYING = "applying"  # confirmed: the job that writes it is queued or running
    APPLIED = "applied"
    FAILED = "failed"  # a job gave up (its error is in ``error``)


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


for _person in (Participant, Juror):
    event.listen(_person, "before_insert", _name_keys)
    event.listen(_person, "before_update", _name_keys)

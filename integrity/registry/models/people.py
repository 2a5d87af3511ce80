"""People and what ties them to a round: participants, entries, jurors, their subjects,
declared relations and declarations. Name keys are derived on every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
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
    OrganisationKind,
    RelationKind,
)
from integrity.registry.models.catalogue import Round, Subject
from integrity.registry.models.columns import enum_column
from integrity.registry.models.places import District, Room, School


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


for _person in (Participant, Juror):
    event.listen(_person, "before_insert", _name_keys)
    event.listen(_person, "before_update", _name_keys)

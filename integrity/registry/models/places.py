"""Places: districts, schools, venues, rooms and the observers in them."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base


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

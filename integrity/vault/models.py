"""The identity vault's tables: one key pair per event, sealed links, and links once unsealed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from integrity.db import Base, UTCDateTime, utcnow


class VaultKey(Base):
    """The event's vault key pair. The private key is stored only wrapped under the chair's
    passphrase; the commission members' shares are printed once and never stored."""

    __tablename__ = "vault_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    private_wrapped: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    threshold: Mapped[int] = mapped_column(Integer, nullable=False)
    shares: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class SealedLink(Base):
    """entry ↔ sheet serial ↔ cipher for one work, sealed to the event's vault public key."""

    __tablename__ = "sealed_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    blob: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class IdentityLink(Base):
    """A link made readable by the chair's deliberate unsealing (an audit event)."""

    __tablename__ = "identity_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True
    )
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), nullable=False, unique=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entry.id"), nullable=False, unique=True)
    serial: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (UniqueConstraint("round_id", "serial"),)

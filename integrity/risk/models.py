"""The corruption-risk analysis: one record per period, its working group, sources, findings,
positions, recommendations, the indicator readings it was made with, and its signed versions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from integrity.db import Base, UTCDateTime, utcnow
from integrity.registry.models import enum_column
from integrity.risk.domain import MemberRole


def _analysis_id(*, index: bool = False) -> Mapped[int]:
    """The analysis a part belongs to (deleted with it). Parts unique per analysis carry their
    own unique constraint, which serves as the index."""
    return mapped_column(
        ForeignKey("risk_analysis.id", ondelete="CASCADE"), nullable=False, index=index
    )


class AnalysisState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SIGNED = "signed"
    PUBLISHED = "published"


class FindingStatus(StrEnum):
    PROPOSED = "proposed"  # by a red indicator; a person accepts or dismisses it
    OPEN = "open"
    DISMISSED = "dismissed"
    CLOSED = "closed"  # the risk no longer stands


class RecommendationStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Analysis(Base):
    __tablename__ = "risk_analysis"
    __table_args__ = (CheckConstraint("period_start <= period_end", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    period_end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    analysis_from: Mapped[dt.date | None] = mapped_column(Date)
    analysis_to: Mapped[dt.date | None] = mapped_column(Date)
    order_number: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    order_date: Mapped[dt.date | None] = mapped_column(Date)
    legal_basis_kk: Mapped[str] = mapped_column(Text, nullable=False)
    legal_basis_ru: Mapped[str] = mapped_column(Text, nullable=False)
    conclusions_kk: Mapped[str] = mapped_column(Text, nullable=False, default="")
    conclusions_ru: Mapped[str] = mapped_column(Text, nullable=False, default="")
    matrix_size: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    state: Mapped[AnalysisState] = mapped_column(
        enum_column(AnalysisState, "risk_analysis_state"),
        nullable=False,
        default=AnalysisState.DRAFT,
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # signed versions
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("risk_analysis.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    previous: Mapped[Analysis | None] = relationship(remote_side=[id])
    members: Mapped[list[Member]] = relationship(
        order_by="Member.number", cascade="all, delete-orphan", back_populates="analysis"
    )
    sources: Mapped[list[SourceUse]] = relationship(
        order_by="SourceUse.number", cascade="all, delete-orphan", back_populates="analysis"
    )
    examined: Mapped[list[DirectionNote]] = relationship(
        order_by="DirectionNote.direction", cascade="all, delete-orphan", back_populates="analysis"
    )
    findings: Mapped[list[Finding]] = relationship(
        order_by="(Finding.direction, Finding.id)",
        cascade="all, delete-orphan",
        back_populates="analysis",
    )
    positions: Mapped[list[Position]] = relationship(
        order_by="Position.number", cascade="all, delete-orphan", back_populates="analysis"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        order_by="Recommendation.id", cascade="all, delete-orphan", back_populates="analysis"
    )
    readings: Mapped[list[IndicatorReading]] = relationship(
        order_by="IndicatorReading.id", cascade="all, delete-orphan", back_populates="analysis"
    )
    versions: Mapped[list[ReportVersion]] = relationship(
        order_by="ReportVersion.number", cascade="all, delete-orphan", back_populates="analysis"
    )


class Member(Base):
    """A member of the working group: a staff member named in the report by office."""

    __tablename__ = "risk_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id(index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[MemberRole] = mapped_column(
        enum_column(MemberRole, "risk_member_role"), nullable=False
    )

    analysis: Mapped[Analysis] = relationship(back_populates="members")


class SourceUse(Base):
    """One of the model rules' information sources, used or not applicable this time."""

    __tablename__ = "risk_source"
    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id()
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # 1..14, as in the rules
    used: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")  # links, one a line

    analysis: Mapped[Analysis] = relationship(back_populates="sources")


class DirectionNote(Base):
    """What was examined in one of the nine directions."""

    __tablename__ = "risk_direction_note"
    __table_args__ = (UniqueConstraint("analysis_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id()
    direction: Mapped[int] = mapped_column(Integer, nullable=False)
    examined_kk: Mapped[str] = mapped_column(Text, nullable=False, default="")
    examined_ru: Mapped[str] = mapped_column(Text, nullable=False, default="")

    analysis: Mapped[Analysis] = relationship(back_populates="examined")


class Finding(Base):
    """A corruption risk found in a direction, with likelihood and impact before and after the
    measures. Text is kept as written (the working group writes in Kazakh or Russian)."""

    __tablename__ = "risk_finding"
    __table_args__ = (CheckConstraint("direction BETWEEN 1 AND 9", name="direction_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id(index=True)
    direction: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    cause: Mapped[str] = mapped_column(Text, nullable=False, default="")
    process: Mapped[str] = mapped_column(String(300), nullable=False, default="")  # or position
    evidence: Mapped[str] = mapped_column(Text, nullable=False, default="")
    likelihood: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    impact: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    likelihood_after: Mapped[int | None] = mapped_column(Integer)
    impact_after: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[FindingStatus] = mapped_column(
        enum_column(FindingStatus, "risk_finding_status"),
        nullable=False,
        default=FindingStatus.OPEN,
    )
    indicator: Mapped[str | None] = mapped_column(String(40))  # the red light that proposed it
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    repeated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("risk_finding.id"))

    analysis: Mapped[Analysis] = relationship(back_populates="findings")


class Position(Base):
    """A row of the appendix: a position exposed to corruption risks."""

    __tablename__ = "risk_position"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id(index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    position: Mapped[str] = mapped_column(String(200), nullable=False)
    competence: Mapped[str] = mapped_column(Text, nullable=False)
    risk: Mapped[str] = mapped_column(Text, nullable=False)

    analysis: Mapped[Analysis] = relationship(back_populates="positions")


class Recommendation(Base):
    __tablename__ = "risk_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id(index=True)
    measure: Mapped[str] = mapped_column(Text, nullable=False)
    risk: Mapped[str] = mapped_column(Text, nullable=False, default="")
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_finding.id", ondelete="SET NULL")
    )
    responsible: Mapped[str] = mapped_column(String(200), nullable=False)
    deadline: Mapped[dt.date] = mapped_column(Date, nullable=False)
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_column(RecommendationStatus, "risk_recommendation_status"),
        nullable=False,
        default=RecommendationStatus.PLANNED,
    )
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    repeated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("risk_recommendation.id"))

    analysis: Mapped[Analysis] = relationship(back_populates="recommendations")
    finding: Mapped[Finding | None] = relationship()

    def overdue(self, today: dt.date) -> bool:
        return self.status is not RecommendationStatus.DONE and self.deadline < today


class IndicatorReading(Base):
    """An indicator's value for the analysis's period, as computed (and kept: the report and the
    next period's comparison read it, not a recomputation)."""

    __tablename__ = "risk_indicator_reading"
    __table_args__ = (UniqueConstraint("analysis_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id()
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    value: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    light: Mapped[str] = mapped_column(String(8), nullable=False)
    amber: Mapped[float] = mapped_column(Float, nullable=False)
    red: Mapped[float] = mapped_column(Float, nullable=False)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    analysis: Mapped[Analysis] = relationship(back_populates="readings")


class ReportVersion(Base):
    """A signed snapshot of the whole report: what the DOCX and PDF are rendered from."""

    __tablename__ = "risk_report_version"
    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = _analysis_id()
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    content_sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    chain_head: Mapped[str] = mapped_column(String(64), nullable=False)
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    analysis: Mapped[Analysis] = relationship(back_populates="versions")

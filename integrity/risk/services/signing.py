"""An analysis's states and its signed snapshot: review, sign, publish, reopen."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.domain.chain import Actor, canonical_json
from integrity.audit.services import chain_head
from integrity.clock import local_today
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.risk import domain
from integrity.risk.models import (
    Analysis,
    AnalysisState,
    FindingStatus,
    ReportVersion,
)
from integrity.risk.services.analyses import _changed, matrix
from integrity.settings import Settings

SNAPSHOT_FORMAT = "integrity-risk-report/1"


def number(value: float | None) -> str | None:
    """A reading as text: the snapshot is canonical JSON, which keeps no floats."""
    return None if value is None else f"{value:g}"


def previous_readings(analysis: Analysis) -> dict[str, str | None]:
    if analysis.previous is None:
        return {}
    return {r.code: number(r.value) for r in analysis.previous.readings}


def snapshot(analysis: Analysis, *, today: dt.date, settings: Settings) -> dict[str, Any]:
    """Everything the report prints, as plain data (the report is rendered from this alone)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "analysis": analysis.id,
        "version": analysis.version + 1,
        "organisation": {"kk": settings.organisation_kk, "ru": settings.organisation_ru},
        "period": [analysis.period_start.isoformat(), analysis.period_end.isoformat()],
        "analysis_dates": [
            d.isoformat() if d else None for d in (analysis.analysis_from, analysis.analysis_to)
        ],
        "order": {
            "number": analysis.order_number,
            "date": analysis.order_date.isoformat() if analysis.order_date else None,
        },
        "legal_basis": {"kk": analysis.legal_basis_kk, "ru": analysis.legal_basis_ru},
        "members": [
            {"name": m.name, "position": m.position, "role": m.role.value} for m in analysis.members
        ],
        "sources": [
            {"number": s.number, "used": s.used, "note": s.note, "evidence": s.evidence}
            for s in analysis.sources
        ],
        "matrix": matrix(analysis).size,
        "directions": _directions(analysis),
        "indicators": _indicators(analysis),
        "conclusions": {"kk": analysis.conclusions_kk, "ru": analysis.conclusions_ru},
        "recommendations": _recommendations(analysis, today),
        "positions": [
            {"number": p.number, "position": p.position, "competence": p.competence, "risk": p.risk}
            for p in analysis.positions
        ],
        "previous": (
            {
                "period": [
                    analysis.previous.period_start.isoformat(),
                    analysis.previous.period_end.isoformat(),
                ]
            }
            if analysis.previous
            else None
        ),
    }


def _directions(analysis: Analysis) -> list[dict[str, Any]]:
    """Each direction's examined notes and its open findings, with their levels on the matrix."""
    scale = matrix(analysis)

    def level(likelihood: int | None, impact: int | None) -> str | None:
        return scale.level(likelihood, impact) if likelihood and impact else None

    return [
        {
            "number": d.value,
            "examined": {"kk": note.examined_kk, "ru": note.examined_ru},
            "findings": [
                {
                    "description": f.description,
                    "cause": f.cause,
                    "process": f.process,
                    "evidence": f.evidence,
                    "likelihood": f.likelihood,
                    "impact": f.impact,
                    "level": level(f.likelihood, f.impact),
                    "likelihood_after": f.likelihood_after,
                    "impact_after": f.impact_after,
                    "level_after": level(f.likelihood_after, f.impact_after),
                    "repeated": f.repeated,
                }
                for f in analysis.findings
                if f.direction == d.value and f.status is FindingStatus.OPEN
            ],
        }
        for d, note in zip(domain.Direction, analysis.examined, strict=True)
    ]


def _indicators(analysis: Analysis) -> list[dict[str, Any]]:
    before = previous_readings(analysis)
    return [
        {
            "code": r.code,
            "value": number(r.value),
            "detail": r.detail,
            "light": r.light,
            "amber": number(r.amber),
            "red": number(r.red),
            "previous": before.get(r.code),
        }
        for r in analysis.readings
    ]


def _recommendations(analysis: Analysis, today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "measure": r.measure,
            "risk": r.risk,
            "responsible": r.responsible,
            "deadline": r.deadline.isoformat(),
            "status": r.status.value,
            "note": r.note,
            "overdue": r.overdue(today),
            "repeated": r.repeated,
        }
        for r in analysis.recommendations
    ]


def submit_for_review(session: AnySession, *, actor: Actor, analysis: Analysis) -> None:
    if analysis.state is not AnalysisState.DRAFT:
        raise Conflict(_l("Only a draft goes to review."), code="state")
    if not analysis.members:
        raise Conflict(_l("Name the working group first."), code="no_members")
    if any(f.status is FindingStatus.PROPOSED for f in analysis.findings):
        raise Conflict(
            _l("Accept or dismiss every finding the indicators proposed first."), code="proposed"
        )
    analysis.state = AnalysisState.IN_REVIEW
    _changed(session, actor, analysis, "risk.in_review")


def sign(
    session: AnySession, *, actor: Actor, settings: Settings, analysis: Analysis
) -> ReportVersion:
    """Freeze the report: its snapshot, the snapshot's SHA-256 and the audit chain head."""
    if analysis.state is not AnalysisState.IN_REVIEW:
        raise Conflict(_l("An analysis is signed after its review."), code="state")
    if not analysis.readings:
        raise Conflict(_l("Compute the indicators first."), code="no_readings")
    if any(f.status is FindingStatus.PROPOSED for f in analysis.findings):
        raise Conflict(
            _l("Accept or dismiss every finding the indicators proposed first."), code="proposed"
        )
    content = canonical_json(
        snapshot(analysis, today=local_today(settings.zone), settings=settings)
    )
    digest = hashlib.sha256(content.encode()).hexdigest()
    head = chain_head(session)[1]
    analysis.version += 1
    version = ReportVersion(
        number=analysis.version,
        content=content,
        content_sha256=digest,
        chain_head=head,
        signed_by_id=actor.id,
    )
    analysis.versions.append(version)
    analysis.state = AnalysisState.SIGNED
    analysis.signed_at = version.signed_at = utcnow()
    _changed(session, actor, analysis, "risk.signed", {"version": version.number, "sha256": digest})
    return version


def publish(session: AnySession, *, actor: Actor, analysis: Analysis) -> None:
    if analysis.state is not AnalysisState.SIGNED:
        raise Conflict(_l("Only a signed analysis is published."), code="state")
    analysis.state = AnalysisState.PUBLISHED
    analysis.published_at = utcnow()
    _changed(session, actor, analysis, "risk.published", {"version": analysis.version})


def reopen(session: AnySession, *, actor: Actor, analysis: Analysis, reason: str) -> None:
    """Make an analysis in review, or a signed one, a draft again; signed versions stay as they
    were signed. (Who may reopen a signed one is the view's business: the director.)"""
    if analysis.state is AnalysisState.DRAFT:
        raise Conflict(_l("The analysis is a draft already."), code="state")
    if not reason.strip():
        raise InvalidInput(_l("Give a reason for reopening it."), field="reason")
    analysis.state = AnalysisState.DRAFT
    _changed(
        session,
        actor,
        analysis,
        "risk.reopened",
        {"reason": reason.strip(), "version": analysis.version},
    )


def version_by_hash(session: AnySession, digest: str) -> ReportVersion | None:
    return session.execute(
        select(ReportVersion).where(ReportVersion.content_sha256 == digest.lower())
    ).scalar_one_or_none()


def published_heads(session: AnySession) -> dict[str, str]:
    """The chain head recorded in each signed report version, for `integrity audit verify`."""
    rows = session.execute(
        select(ReportVersion.chain_head, ReportVersion.analysis_id, ReportVersion.number)
    ).all()
    return {head: f"risk analysis {aid} version {number}" for head, aid, number in rows}

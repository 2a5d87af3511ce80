"""The analysis's findings (risks found, in one of the nine directions) and recommendations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l

from integrity.audit.domain.chain import Actor
from integrity.audit.services import record_event
from integrity.db import AnySession
from integrity.errors import Conflict, InvalidInput
from integrity.risk import domain
from integrity.risk.models import (
    Analysis,
    Finding,
    FindingStatus,
    Recommendation,
    RecommendationStatus,
)
from integrity.risk.services.analyses import _editable, matrix

FINDING_FIELDS = (
    "direction",
    "description",
    "cause",
    "process",
    "evidence",
    "likelihood",
    "impact",
    "likelihood_after",
    "impact_after",
)


def _check_scale(analysis: Analysis, fields: dict[str, Any]) -> None:
    scale = matrix(analysis)
    for a, b in (("likelihood", "impact"), ("likelihood_after", "impact_after")):
        if fields.get(a) is None and fields.get(b) is None:
            continue
        try:
            scale.check(int(fields.get(a) or 0), int(fields.get(b) or 0))
        except (ValueError, TypeError):
            raise InvalidInput(
                _l("Likelihood and impact run from 1 to %(n)d.", n=scale.size), field=a
            ) from None


def save_finding(
    session: AnySession, *, actor: Actor, analysis: Analysis, finding: Finding | None, **fields: Any
) -> Finding:
    """Add a finding, or edit one (accepting a proposed finding makes it open)."""
    _editable(analysis)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValueError(f"unknown finding fields: {unknown}")
    if not str(fields.get("description", finding.description if finding else "")).strip():
        raise InvalidInput(_l("Describe the risk."), field="description")
    raw_direction = fields.get("direction", finding.direction if finding else 0)
    direction = raw_direction if isinstance(raw_direction, int) else 0
    if direction not in {d.value for d in domain.Direction}:
        raise InvalidInput(_l("Choose one of the nine directions."), field="direction")
    for key in ("likelihood", "impact"):  # an empty field keeps the value (1 for a new finding)
        if key in fields and fields[key] is None:
            del fields[key]
    if finding is None:
        fields = {"likelihood": 1, "impact": 1, **fields}
    merged = {k: getattr(finding, k) for k in FINDING_FIELDS} if finding else {}
    merged.update(fields)
    _check_scale(analysis, merged)
    created = finding is None
    if finding is None:
        finding = Finding(status=FindingStatus.OPEN)
        analysis.findings.append(finding)
    for key, value in fields.items():
        setattr(finding, key, value.strip() if isinstance(value, str) else value)
    was = finding.status
    if finding.status is FindingStatus.PROPOSED:
        finding.status = FindingStatus.OPEN
    session.flush()
    record_event(
        session,
        actor=actor,
        action="risk.finding_saved",
        subject=f"risk_finding:{finding.id}",
        data={
            "analysis": analysis.id,
            "created": created,
            "accepted": was is FindingStatus.PROPOSED,
            "direction": finding.direction,
        },
    )
    return finding


def dismiss_finding(session: AnySession, *, actor: Actor, finding: Finding, reason: str) -> Finding:
    _editable(finding.analysis)
    if not reason.strip():
        raise InvalidInput(_l("Give a reason for dismissing it."), field="reason")
    finding.status = FindingStatus.DISMISSED
    finding.dismissed_reason = reason.strip()
    session.flush()
    record_event(
        session,
        actor=actor,
        action="risk.finding_dismissed",
        subject=f"risk_finding:{finding.id}",
        data={"indicator": finding.indicator, "reason": finding.dismissed_reason},
    )
    return finding


def close_finding(session: AnySession, *, actor: Actor, finding: Finding, note: str) -> Finding:
    """The risk no longer stands (the measures worked): it is not carried into the next analysis."""
    _editable(finding.analysis)
    if finding.status is not FindingStatus.OPEN:
        raise Conflict(_l("Only an open finding is closed."), code="state")
    if not note.strip():
        raise InvalidInput(_l("Say why the risk no longer stands."), field="reason")
    finding.status = FindingStatus.CLOSED
    finding.dismissed_reason = note.strip()
    session.flush()
    record_event(session, actor=actor, action="risk.finding_closed",
                 subject=f"risk_finding:{finding.id}", data={"note": finding.dismissed_reason})  # fmt: skip
    return finding


def save_recommendation(
    session: AnySession,
    *,
    actor: Actor,
    analysis: Analysis,
    recommendation: Recommendation | None = None,
    measure: str,
    responsible: str,
    deadline: dt.date,
    risk: str = "",
    finding: Finding | None = None,
    status: RecommendationStatus = RecommendationStatus.PLANNED,
    note: str = "",
) -> Recommendation:
    _editable(analysis)
    if not measure.strip():
        raise InvalidInput(_l("Say what is to be done."), field="measure")
    if not responsible.strip():
        raise InvalidInput(_l("Name the responsible position or person."), field="responsible")
    if recommendation is not None and recommendation.analysis_id != analysis.id:
        raise InvalidInput(_l("That recommendation belongs to another analysis."), field="rec_id")
    if finding is not None and finding.analysis_id != analysis.id:
        raise InvalidInput(_l("That finding belongs to another analysis."), field="finding")
    created = recommendation is None
    if recommendation is None:
        recommendation = Recommendation()
        analysis.recommendations.append(recommendation)
    recommendation.measure, recommendation.responsible = measure.strip(), responsible.strip()
    recommendation.deadline, recommendation.risk, recommendation.status = (
        deadline,
        risk.strip(),
        status,
    )
    recommendation.note = note.strip()
    if finding is not None or created:  # editing the status keeps the finding it answers
        recommendation.finding_id = finding.id if finding else None
    session.flush()
    record_event(
        session,
        actor=actor,
        action="risk.recommendation_saved",
        subject=f"risk_recommendation:{recommendation.id}",
        data={
            "analysis": analysis.id,
            "created": created,
            "status": status.value,
            "deadline": deadline.isoformat(),
        },
    )
    return recommendation

"""The analysis's use cases. Services flush and record an audit event; callers commit.

A signed analysis does not change: ``reopen`` (with a reason) makes it a draft again, and signing
it once more freezes a new version, so every signed version stays as it was signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from integrity.audit.chain import Actor, canonical_json
from integrity.audit.services import chain_head, record_event
from integrity.clock import local_today
from integrity.db import AnySession, utcnow
from integrity.errors import Conflict, InvalidInput
from integrity.risk import domain, facts
from integrity.risk.domain import indicators
from integrity.risk.models import (
    Analysis,
    AnalysisState,
    DirectionNote,
    Finding,
    FindingStatus,
    IndicatorReading,
    Member,
    Position,
    Recommendation,
    RecommendationStatus,
    ReportVersion,
    SourceUse,
)
from integrity.settings import settings_of

SNAPSHOT_FORMAT = "integrity-risk-report/1"


def _editable(analysis: Analysis) -> None:
    """Only a draft changes: what the director reviews is what is signed."""
    if analysis.state in (AnalysisState.SIGNED, AnalysisState.PUBLISHED):
        raise Conflict(
            _l("A signed analysis does not change; reopen it to make a new version."),
            code="signed",
        )
    if analysis.state is not AnalysisState.DRAFT:
        raise Conflict(
            _l("An analysis in review does not change; send it back to draft first."),
            code="in_review",
        )


def _changed(
    session: AnySession,
    actor: Actor,
    analysis: Analysis,
    action: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Flush a change of the analysis and record it in the audit chain."""
    session.flush()
    record_event(
        session, actor=actor, action=action, subject=f"risk_analysis:{analysis.id}", data=data
    )


def matrix(analysis: Analysis) -> domain.Matrix:
    size = analysis.matrix_size
    return domain.Matrix(
        size,
        medium_from=max(2, round(size * size / 5)),
        high_from=max(3, round(size * size * 12 / 25)),
    )


def create(
    session: AnySession,
    *,
    actor: Actor,
    period_start: dt.date,
    period_end: dt.date,
    order_number: str = "",
    order_date: dt.date | None = None,
    previous: Analysis | None = None,
) -> Analysis:
    """A new analysis with the model rules' legal basis and sources; from a previous one, its
    working group and positions, and its open findings and unfinished recommendations, marked as
    repeated."""
    if period_start > period_end:
        raise InvalidInput(_l("The period must start before it ends."), field="period_start")
    analysis = Analysis(
        period_start=period_start,
        period_end=period_end,
        order_number=order_number.strip(),
        order_date=order_date,
        legal_basis_kk=domain.LEGAL_BASIS["kk"],
        legal_basis_ru=domain.LEGAL_BASIS["ru"],
        previous_id=previous.id if previous else None,
        created_by_id=actor.id,
    )
    analysis.sources = [
        SourceUse(number=n, used=previous is not None and n == 12)
        for n in range(1, len(domain.SOURCES) + 1)
    ]
    analysis.examined = [DirectionNote(direction=d.value) for d in domain.Direction]
    if previous is not None:
        analysis.matrix_size = previous.matrix_size
        analysis.members = [
            Member(number=m.number, name=m.name, position=m.position, role=m.role)
            for m in previous.members
        ]
        analysis.positions = [
            Position(number=p.number, position=p.position, competence=p.competence, risk=p.risk)
            for p in previous.positions
        ]
        carried: dict[int, Finding] = {}
        for f in previous.findings:
            if f.status is FindingStatus.OPEN:
                carried[f.id] = Finding(
                    direction=f.direction,
                    description=f.description,
                    cause=f.cause,
                    process=f.process,
                    evidence=f.evidence,
                    likelihood=f.likelihood,
                    impact=f.impact,
                    likelihood_after=f.likelihood_after,
                    impact_after=f.impact_after,
                    indicator=f.indicator,
                    repeated=True,
                    carried_from_id=f.id,
                )
        analysis.findings = list(carried.values())
        analysis.recommendations = [
            Recommendation(
                measure=r.measure,
                risk=r.risk,
                responsible=r.responsible,
                deadline=r.deadline,
                status=r.status,
                note=r.note,
                repeated=True,
                carried_from_id=r.id,
                finding=carried.get(r.finding_id) if r.finding_id else None,
            )
            for r in previous.recommendations
            if r.status is not RecommendationStatus.DONE
        ]
    session.add(analysis)
    _changed(
        session,
        actor,
        analysis,
        "risk.analysis_created",
        {
            "period": [period_start.isoformat(), period_end.isoformat()],
            "previous": previous.id if previous else None,
            "carried_findings": len(analysis.findings),
            "carried_recommendations": len(analysis.recommendations),
        },
    )
    return analysis


def thresholds_overrides() -> dict[str, tuple[float, float]]:
    return domain.parse_thresholds(settings_of(current_app).risk_thresholds)


def measure(session: AnySession, start: dt.date, end: dt.date) -> list[indicators.Reading]:
    """Every indicator for a period, computed now (the dashboard's live column)."""
    return measure_with_facts(session, start, end)[0]


def measure_with_facts(
    session: AnySession, start: dt.date, end: dt.date
) -> tuple[list[indicators.Reading], indicators.Facts]:
    found = facts.gather(session, start, end)
    return indicators.evaluate_all(found, thresholds_overrides()), found


def compute(session: AnySession, *, actor: Actor, analysis: Analysis) -> list[Finding]:
    """Measure the indicators for the analysis's period and keep the readings; every red light
    proposes a finding in its direction (once), for a person to accept or dismiss."""
    _editable(analysis)
    readings = measure(session, analysis.period_start, analysis.period_end)
    analysis.readings.clear()
    session.flush()
    for r in readings:
        analysis.readings.append(
            IndicatorReading(
                code=r.indicator.code,
                value=r.value.value,
                detail=r.value.detail,
                light=r.light.value,
                amber=r.thresholds.amber,
                red=r.thresholds.red,
            )
        )
    proposed_for = {f.indicator for f in analysis.findings if f.indicator}
    proposed = []
    for r in readings:
        if r.light is domain.Light.RED and r.indicator.code not in proposed_for:
            value = "—" if r.value.value is None else f"{r.value.value:g}"
            unit = "%" if r.indicator.unit == "%" else ""
            proposed.append(
                Finding(
                    direction=r.indicator.direction.value,
                    description=f"{r.indicator.name('kk')}: {value}{unit}"
                    + (f" ({r.value.detail})" if r.value.detail else ""),
                    evidence=f"indicator:{r.indicator.code}",
                    process=r.indicator.name("kk"),
                    likelihood=3,
                    impact=3,
                    status=FindingStatus.PROPOSED,
                    indicator=r.indicator.code,
                )
            )
    analysis.findings.extend(proposed)
    _changed(
        session,
        actor,
        analysis,
        "risk.indicators_computed",
        {
            "lights": {r.indicator.code: r.light.value for r in readings},
            "proposed": [f.indicator for f in proposed],
        },
    )
    return proposed


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


def set_members(
    session: AnySession, *, actor: Actor, analysis: Analysis, members: list[tuple[str, str, str]]
) -> None:
    """The working group as (name, position, role) rows, the chair first."""
    _editable(analysis)
    read = [
        (name.strip(), position.strip(), domain.MemberRole.read(role))
        for name, position, role in members
    ]
    if any(role is None for *_, role in read):
        raise InvalidInput(_l("A member's role is chair, member or secretary."), field="members")
    rows = [(name, position, role) for name, position, role in read if role is not None]
    if sum(1 for *_, role in rows if role is domain.MemberRole.CHAIR) != 1:
        raise InvalidInput(_l("The working group needs exactly one chair."), field="members")
    if not all(name and position for name, position, _ in rows):
        raise InvalidInput(_l("Every member needs a name and a position."), field="members")
    analysis.members.clear()
    session.flush()
    analysis.members.extend(
        Member(number=n, name=name, position=position, role=role)
        for n, (name, position, role) in enumerate(rows, start=1)
    )
    _changed(session, actor, analysis, "risk.members_set", {"members": len(rows)})


def set_positions(
    session: AnySession, *, actor: Actor, analysis: Analysis, rows: list[tuple[str, str, str]]
) -> None:
    """The appendix: (position, competence, risk) rows."""
    _editable(analysis)
    cleaned = [tuple(cell.strip() for cell in row) for row in rows]
    if not all(all(row) for row in cleaned):
        raise InvalidInput(
            _l("Each position needs its competence and its risk."), field="positions"
        )
    analysis.positions.clear()
    session.flush()
    analysis.positions.extend(
        Position(number=n, position=position, competence=competence, risk=risk)
        for n, (position, competence, risk) in enumerate(cleaned, start=1)
    )
    _changed(session, actor, analysis, "risk.positions_set", {"positions": len(cleaned)})


def set_sources(
    session: AnySession,
    *,
    actor: Actor,
    analysis: Analysis,
    sources: dict[int, tuple[bool, str, str]],
) -> None:
    """Mark information sources used or not, with a note and evidence links:
    ``{number: (used, note, evidence)}``; sources not named stay as they are. One audit event."""
    _editable(analysis)
    by_number = {s.number: s for s in analysis.sources}
    if set(sources) - set(by_number):
        raise InvalidInput(_l("No such information source."), field="number")
    for number, (used, note, evidence) in sources.items():
        source = by_number[number]
        source.used, source.note, source.evidence = used, note.strip(), evidence.strip()
    used_now = sorted(n for n, s in by_number.items() if s.used)
    _changed(session, actor, analysis, "risk.sources_set", {"used": used_now})


def set_texts(session: AnySession, *, actor: Actor, analysis: Analysis, **texts: str) -> None:
    """Examined notes (``examined_<n>_<lang>``), conclusions (``conclusions_<lang>``), legal basis
    (``legal_basis_<lang>``), the order and the analysis dates."""
    _editable(analysis)
    changed = []
    notes = {n.direction: n for n in analysis.examined}
    for key, value in texts.items():
        if key.startswith("examined_"):
            _, number, lang = ([*key.split("_"), "", ""])[:3]
            note = notes.get(int(number)) if number.isdigit() else None
            if note is None or lang not in ("kk", "ru"):
                raise InvalidInput(_l("No such direction."), field=key)
            setattr(note, f"examined_{lang}", value.strip())
        elif key == "matrix_size":
            size = int(value) if value.strip().isdigit() else 0
            highest = max([0, *(v or 0 for f in analysis.findings for v in
                               (f.likelihood, f.impact, f.likelihood_after, f.impact_after))])  # fmt: skip
            if not 3 <= size <= 10 or size < highest:
                raise InvalidInput(
                    _l("The matrix has 3 to 10 steps, and no fewer than a finding already uses."),
                    field="matrix_size",
                )
            analysis.matrix_size = size
        elif key in ("analysis_from", "analysis_to", "order_date"):
            try:
                setattr(analysis, key, dt.date.fromisoformat(value) if value.strip() else None)
            except ValueError:
                raise InvalidInput(_l("Dates are written YYYY-MM-DD."), field=key) from None
        elif key in (
            "conclusions_kk",
            "conclusions_ru",
            "legal_basis_kk",
            "legal_basis_ru",
            "order_number",
        ):
            setattr(analysis, key, value.strip())
        else:
            raise ValueError(f"not a text of the analysis: {key}")
        changed.append(key)
    _changed(session, actor, analysis, "risk.texts_set", {"fields": sorted(changed)})


# ---------------------------------------------------------------- states and the signed snapshot


def number(value: float | None) -> str | None:
    """A reading as text: the snapshot is canonical JSON, which keeps no floats."""
    return None if value is None else f"{value:g}"


def previous_readings(analysis: Analysis) -> dict[str, str | None]:
    if analysis.previous is None:
        return {}
    return {r.code: number(r.value) for r in analysis.previous.readings}


def snapshot(analysis: Analysis, *, today: dt.date) -> dict[str, Any]:
    """Everything the report prints, as plain data (the report is rendered from this alone)."""
    settings = settings_of(current_app)
    before = previous_readings(analysis)
    scale = matrix(analysis)

    def level(likelihood: int | None, impact: int | None) -> str | None:
        return scale.level(likelihood, impact) if likelihood and impact else None

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
        "matrix": scale.size,
        "directions": [
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
        ],
        "indicators": [
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
        ],
        "conclusions": {"kk": analysis.conclusions_kk, "ru": analysis.conclusions_ru},
        "recommendations": [
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
        ],
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


def sign(session: AnySession, *, actor: Actor, analysis: Analysis) -> ReportVersion:
    """Freeze the report: its snapshot, the snapshot's SHA-256 and the audit chain head."""
    if analysis.state is not AnalysisState.IN_REVIEW:
        raise Conflict(_l("An analysis is signed after its review."), code="state")
    if not analysis.readings:
        raise Conflict(_l("Compute the indicators first."), code="no_readings")
    if any(f.status is FindingStatus.PROPOSED for f in analysis.findings):
        raise Conflict(
            _l("Accept or dismiss every finding the indicators proposed first."), code="proposed"
        )
    content = canonical_json(snapshot(analysis, today=local_today(settings_of(current_app).zone)))
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

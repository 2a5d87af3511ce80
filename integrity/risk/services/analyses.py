"""Making and editing an analysis: its period, working group, positions, sources and texts.
Only a draft changes."""

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
    AnalysisState,
    DirectionNote,
    Finding,
    FindingStatus,
    Member,
    Position,
    Recommendation,
    RecommendationStatus,
    SourceUse,
)


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
        _carry_over(analysis, previous)
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


def _carry_over(analysis: Analysis, previous: Analysis) -> None:
    """From the previous analysis: its matrix, working group and positions, and its open
    findings and unfinished recommendations, marked as repeated."""
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

"""What the risk pages read, gathered here so the views only parse and render. Reads only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from integrity.audit.services import chain_head
from integrity.db import AnySession
from integrity.risk import domain
from integrity.risk.domain import charts
from integrity.risk.domain.documents import localise_detail
from integrity.risk.models import (
    Analysis,
    Finding,
    IndicatorReading,
    Recommendation,
    RecommendationStatus,
)
from integrity.risk.services.analyses import matrix
from integrity.risk.services.measuring import measure_with_facts
from integrity.settings import Settings


class _Context:
    def context(self) -> dict[str, Any]:
        """The fields as a template's context (shallow: the rows stay as they are)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


def history(session: AnySession, limit: int = 4) -> list[Analysis]:
    """The last analyses by period, oldest first."""
    rows = session.execute(
        select(Analysis).order_by(Analysis.period_end.desc(), Analysis.id.desc()).limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def _trend(value: float | None, before: float | None) -> str:
    if value is None or before is None:
        return ""
    return "↑" if value > before else "↓" if value < before else "→"


@dataclass(frozen=True)
class Dashboard(_Context):
    """The director's dashboard: this year's lights, measured now, beside earlier analyses."""

    rows: list[dict[str, Any]]
    counts: dict[str, int]
    period: tuple[dt.date, dt.date]
    latest: Analysis | None
    open_recs: list[Recommendation]
    overdue: list[Recommendation]
    today: dt.date
    chain_ok: bool
    head: tuple[int, str]


def dashboard(session: AnySession, settings: Settings, *, today: dt.date, locale: str) -> Dashboard:
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    live, found = measure_with_facts(session, start, end, settings)
    earlier = history(session)
    previous = earlier[-1] if earlier else None
    rows = []
    for reading in live:
        code = reading.indicator.code
        past = [
            (f"{a.period_start:%Y}", r.value, r.light)
            for a in earlier
            for r in a.readings
            if r.code == code and a.period_end < start
        ]
        before = past[-1][1] if past else None
        rows.append({
            "reading": reading,
            "before": before,
            "trend": _trend(reading.value.value, before),
            "detail": localise_detail(reading.value.detail, locale),
            # charts.trend escapes every text it draws.
            "chart": Markup(charts.trend(  # noqa: S704
                [*past, (f"{start:%Y}", reading.value.value, reading.light.value)],
                amber=None if reading.indicator.informative else reading.thresholds.amber,
                red=None if reading.indicator.informative else reading.thresholds.red,
                title=reading.indicator.name(locale),
            )),
        })  # fmt: skip
    open_recs = (
        [r for r in previous.recommendations if r.status is not RecommendationStatus.DONE]
        if previous
        else []
    )
    return Dashboard(
        rows=rows,
        counts={light.value: sum(1 for r in live if r.light is light) for light in domain.Light},
        period=(start, end),
        latest=previous,
        open_recs=open_recs,
        overdue=[r for r in open_recs if r.overdue(today)],
        today=today,
        chain_ok=found.chain_ok,
        head=chain_head(session),
    )


@dataclass(frozen=True)
class AnalysisPage(_Context):
    """An analysis's page: its findings by direction, notes, readings and scale, and the working
    group and positions as the text the forms edit."""

    by_direction: dict[domain.Direction, list[Finding]]
    notes: dict[int, Any]
    readings: dict[str, IndicatorReading]
    matrix: domain.Matrix
    members_text: str
    positions_text: str


def analysis_page(analysis: Analysis) -> AnalysisPage:
    return AnalysisPage(
        by_direction={
            d: [f for f in analysis.findings if f.direction == d.value] for d in domain.Direction
        },
        notes={n.direction: n for n in analysis.examined},
        readings={r.code: r for r in analysis.readings},
        matrix=matrix(analysis),
        members_text="\n".join(
            f"{m.name} | {m.position} | {m.role.value}" for m in analysis.members
        ),
        positions_text="\n".join(
            f"{p.position} | {p.competence} | {p.risk}" for p in analysis.positions
        ),
    )

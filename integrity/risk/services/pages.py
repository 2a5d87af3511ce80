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
from integrity.risk.domain import charts, indicators, wording
from integrity.risk.domain.facts import say
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
        code, unit = reading.indicator.code, reading.indicator.unit
        past = [
            (f"{a.period_start:%Y}", r.value, r.light)
            for a in earlier
            for r in a.readings
            if r.code == code and a.period_end < start
        ]
        before = past[-1][1] if past else None
        rows.append({
            "reading": reading,
            "value": wording.value_text(reading.value.value, unit, locale),
            "before": wording.value_text(before, unit, locale),
            "trend": _trend(reading.value.value, before),
            "detail": wording.detail(code, reading.value.detail, locale),
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
class IndicatorPage(_Context):
    """One indicator: what it means, its value now with the things behind the number, and the
    values the analyses kept (each as computed on its day)."""

    indicator: indicators.Indicator
    reading: indicators.Reading
    value: str
    detail: str
    definition: str
    items: list[dict[str, Any]]
    history: list[dict[str, Any]]
    period: tuple[dt.date, dt.date]
    min_count: int


def indicator_page(
    session: AnySession, settings: Settings, code: str, *, today: dt.date, locale: str
) -> IndicatorPage:
    found = indicators.BY_CODE[code]
    period = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    (reading,) = [r for r in measure_with_facts(session, *period, settings)[0]
                  if r.indicator.code == code]  # fmt: skip
    kept = []
    for a in history(session, limit=10):
        r = next((r for r in a.readings if r.code == code), None)
        kept.append({
            "analysis": a, "reading": r,
            "value": wording.value_text(r.value, found.unit, locale) if r else "—",
            "detail": wording.detail_of_stored(code, r.detail, locale) if r else "",
        })  # fmt: skip
    return IndicatorPage(
        indicator=found,
        reading=reading,
        value=wording.value_text(reading.value.value, found.unit, locale),
        detail=wording.detail(code, reading.value.detail, locale),
        definition=wording.definition(
            code,
            locale,
            protocol_hours=settings.risk_protocol_hours,
            appeal_hours=settings.risk_appeal_hours,
        ),
        items=[
            {
                "what": say(i.what, locale),
                "note": say(i.note, locale),
                "counted": i.counted,
                "at": i.at,
            }
            for i in reading.value.items
        ],
        history=kept,
        period=period,
        min_count=settings.risk_min_count,
    )


@dataclass(frozen=True)
class AnalysisPage(_Context):
    """An analysis's page: its findings by direction, notes, readings and scale, and the working
    group and positions as the text the forms edit."""

    by_direction: dict[domain.Direction, list[Finding]]
    notes: dict[int, Any]
    readings: dict[str, IndicatorReading]
    reading_words: dict[str, tuple[str, str]]  # each kept value and what it is made of, in words
    matrix: domain.Matrix
    members_text: str
    positions_text: str


def analysis_page(analysis: Analysis, locale: str) -> AnalysisPage:
    units = {i.code: i.unit for i in indicators.REGISTRY}
    return AnalysisPage(
        by_direction={
            d: [f for f in analysis.findings if f.direction == d.value] for d in domain.Direction
        },
        notes={n.direction: n for n in analysis.examined},
        readings={r.code: r for r in analysis.readings},
        reading_words={
            r.code: (
                wording.value_text(r.value, units.get(r.code, ""), locale),
                wording.detail_of_stored(r.code, r.detail, locale),
            )
            for r in analysis.readings
        },
        matrix=matrix(analysis),
        members_text="\n".join(
            f"{m.name} | {m.position} | {m.role.value}" for m in analysis.members
        ),
        positions_text="\n".join(
            f"{p.position} | {p.competence} | {p.risk}" for p in analysis.positions
        ),
    )

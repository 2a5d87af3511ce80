"""Measuring the indicators for a period, and keeping an analysis's readings."""

from __future__ import annotations

import datetime as dt

from integrity.audit.domain.chain import Actor
from integrity.db import AnySession
from integrity.risk import domain
from integrity.risk.domain import indicators, wording
from integrity.risk.models import (
    Analysis,
    Finding,
    FindingStatus,
    IndicatorReading,
)
from integrity.risk.services import facts
from integrity.risk.services.analyses import _changed, _editable
from integrity.settings import Settings


def thresholds_overrides(settings: Settings) -> dict[str, tuple[float, float]]:
    return domain.parse_thresholds(settings.risk_thresholds)


def measure(
    session: AnySession, start: dt.date, end: dt.date, settings: Settings
) -> list[indicators.Reading]:
    """Every indicator for a period, computed now (the dashboard's live column)."""
    return measure_with_facts(session, start, end, settings)[0]


def measure_with_facts(
    session: AnySession, start: dt.date, end: dt.date, settings: Settings
) -> tuple[list[indicators.Reading], indicators.Facts]:
    found = facts.gather(session, start, end, settings)
    readings = indicators.evaluate_all(
        found, thresholds_overrides(settings), settings.risk_min_count
    )
    return readings, found


def compute(
    session: AnySession, *, actor: Actor, settings: Settings, analysis: Analysis
) -> list[Finding]:
    """Measure the indicators for the analysis's period and keep the readings; every red light
    proposes a finding in its direction (once), for a person to accept or dismiss."""
    _editable(analysis)
    readings = measure(session, analysis.period_start, analysis.period_end, settings)
    analysis.readings.clear()
    session.flush()
    for r in readings:
        analysis.readings.append(
            IndicatorReading(
                code=r.indicator.code,
                value=r.value.value,
                detail=wording.stored(r.value.detail),
                light=r.light.value,
                amber=r.thresholds.amber,
                red=r.thresholds.red,
            )
        )
    proposed_for = {f.indicator for f in analysis.findings if f.indicator}
    proposed = []
    for r in readings:
        if r.light is domain.Light.RED and r.indicator.code not in proposed_for:
            value = wording.value_text(r.value.value, r.indicator.unit, "kk")
            detail = wording.detail(r.indicator.code, r.value.detail, "kk")
            proposed.append(
                Finding(
                    direction=r.indicator.direction.value,
                    description=f"{r.indicator.name('kk')}: {value}"
                    + (f" ({detail})" if detail else ""),
                    evidence="Платформа деректері бойынша көрсеткіш",  # the finding keeps the code
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

"""The indicators the platform measures for the corruption-risk analysis. Pure.

Each indicator is a function of ``Facts``: plain records of one period that the service layer
reads from the database (``integrity.risk.services.facts``). The records carry no names: an indicator says
which process is at risk, never which juror or participant. The registry maps a code to its
definition, unit, default thresholds and the direction it feeds; the ``RISK_THRESHOLDS`` setting
may override the thresholds.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from integrity.risk.domain import Direction, Light, Thresholds

# ---------------------------------------------------------------- facts


@dataclass(frozen=True)
class ProtocolFact:
    process: str  # e.g. "MATH · round 1 · grade 9"
    due: dt.datetime  # when it should have been published at the latest
    published: dt.datetime | None  # None: not published yet


@dataclass(frozen=True)
class ScoreChangeFact:
    kind: str  # appeal | chair
    after_publication: bool


@dataclass(frozen=True)
class AppealFact:
    filed: dt.datetime
    decided: dt.datetime | None
    outcome: str | None  # unchanged | raised | lowered


@dataclass(frozen=True)
class ConflictFact:
    hard: bool  # a hard conflict, or a potential one the chair barred
    reached_marking: bool  # the juror was nevertheless assigned the work


@dataclass(frozen=True)
class MarkerFact:
    """One juror's mean deviation from the co-marker (in points), anonymous."""

    deviation: float
    marked: int


@dataclass(frozen=True)
class CriticalActionFact:
    action: str  # unseal | score_change_after_freeze | diploma_batch
    second_person: bool


@dataclass(frozen=True)
class VenueFact:
    venue: str
    entries: int
    disqualified: int


@dataclass(frozen=True)
class Facts:
    period_start: dt.date
    period_end: dt.date
    protocols: tuple[ProtocolFact, ...] = ()
    score_changes: tuple[ScoreChangeFact, ...] = ()
    appeals: tuple[AppealFact, ...] = ()
    diplomas_issued: int = 0
    diplomas_unverifiable: int = 0
    conflicts: tuple[ConflictFact, ...] = ()
    jurors_drawn: int = 0
    jurors_undeclared: int = 0
    task_scores: int = 0
    task_scores_third: int = 0  # needed a third marker
    markers: tuple[MarkerFact, ...] = ()
    pages: int = 0
    pages_by_hand: int = 0
    pages_discarded: int = 0
    critical_actions: tuple[CriticalActionFact, ...] = ()
    venues: tuple[VenueFact, ...] = ()
    chain_ok: bool = True
    settings: Mapping[str, float] = field(default_factory=dict)  # hours, limits
    # The moment the facts were read: what is not done by then is judged as of then, or as of
    # the period's end when that came first.
    as_of: dt.datetime | None = None

    @property
    def cutoff(self) -> dt.datetime:
        end = dt.datetime.combine(self.period_end, dt.time.max, tzinfo=dt.UTC)
        return min(end, self.as_of) if self.as_of else end


@dataclass(frozen=True)
class Value:
    value: float | None  # None: nothing to measure in the period
    detail: str = ""  # what the number means here, e.g. the worst delay; never a person


# ---------------------------------------------------------------- the functions


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def protocols_late(f: Facts) -> Value:
    now = f.cutoff
    delays = []
    for p in f.protocols:
        at = p.published or now
        delays.append(((at - p.due).total_seconds() / 3600, p))
    late = [(hours, p) for hours, p in delays if hours > 0]
    if not f.protocols:
        return Value(None)
    detail = ""
    if late:
        hours, worst = max(late, key=lambda item: item[0])
        detail = f"{worst.process}: +{hours:.0f} h"
    return Value(_share(len(late), len(f.protocols)), detail)


def score_changes_without_appeal(f: Facts) -> Value:
    return Value(
        float(sum(1 for c in f.score_changes if c.after_publication and c.kind != "appeal"))
    )


def diplomas_unverifiable(f: Facts) -> Value:
    if f.diplomas_issued == 0:
        return Value(None)
    return Value(float(f.diplomas_unverifiable), f"{f.diplomas_unverifiable} / {f.diplomas_issued}")


def conflicts_detected(f: Facts) -> Value:
    return Value(float(sum(1 for c in f.conflicts if c.hard)))


def conflicts_reached_marking(f: Facts) -> Value:
    return Value(float(sum(1 for c in f.conflicts if c.reached_marking)))


def jurors_undeclared(f: Facts) -> Value:
    if f.jurors_drawn == 0:
        return Value(None)
    return Value(float(f.jurors_undeclared), f"{f.jurors_undeclared} / {f.jurors_drawn}")


def appeals_filed(f: Facts) -> Value:
    return Value(float(len(f.appeals)))


def appeals_upheld(f: Facts) -> Value:
    decided = [a for a in f.appeals if a.decided is not None]
    changed = sum(1 for a in decided if a.outcome in ("raised", "lowered"))
    return Value(_share(changed, len(decided)), f"{changed} / {len(decided)}" if decided else "")


def appeals_late(f: Facts) -> Value:
    hours = f.settings.get("appeal_decision_hours", 48.0)
    now = f.cutoff
    late = sum(
        1 for a in f.appeals if ((a.decided or now) - a.filed).total_seconds() > hours * 3600
    )
    return Value(float(late), f"> {hours:.0f} h" if late else "")


def marker_divergence(f: Facts) -> Value:
    return Value(_share(f.task_scores_third, f.task_scores))


def outlier_jurors(f: Facts) -> Value:
    """Jurors whose mean deviation from their co-markers lies 2 standard deviations or more from
    the other jurors' (each compared with the others, so one wild juror cannot hide in a spread it
    widens itself; the spread is taken as at least a quarter point). Counted among jurors with 5
    markings or more, when there are at least 5 of them. A count: never who."""
    counted = [m.deviation for m in f.markers if m.marked >= 5]
    if len(counted) < 5:
        return Value(None)
    outliers = 0
    for n, deviation in enumerate(counted):
        others = counted[:n] + counted[n + 1 :]
        centre, spread = statistics.fmean(others), max(statistics.pstdev(others), 0.25)
        outliers += abs(deviation - centre) >= 2 * spread
    return Value(float(outliers))


def pages_by_hand(f: Facts) -> Value:
    return Value(_share(f.pages_by_hand, f.pages), f"{f.pages_by_hand} / {f.pages}")


def pages_discarded(f: Facts) -> Value:
    return Value(_share(f.pages_discarded, f.pages), f"{f.pages_discarded} / {f.pages}")


def critical_alone(f: Facts) -> Value:
    alone = [a for a in f.critical_actions if not a.second_person]
    kinds = Counter(a.action for a in alone)
    return Value(float(len(alone)), ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items())))


def disqualifications_per_venue(f: Facts) -> Value:
    """The highest share of disqualified entries at one venue (a place, not a person)."""
    counted = [v for v in f.venues if v.entries >= 10]
    if not counted:
        return Value(None)
    worst = max(counted, key=lambda v: v.disqualified / v.entries)
    share = _share(worst.disqualified, worst.entries)
    return Value(share, f"{worst.venue}: {worst.disqualified} / {worst.entries}" if share else "")


def audit_chain(f: Facts) -> Value:
    return Value(0.0 if f.chain_ok else 1.0)


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Indicator:
    code: str
    names: tuple[str, str, str]  # kk, ru, en
    definition: str  # English; the README's table says it in full
    unit: str  # "%" | "count"
    direction: Direction
    thresholds: Thresholds
    compute: Callable[[Facts], Value]
    # Some counts are for information: high is not in itself a risk (appeals filed).
    informative: bool = False

    def name(self, locale: str) -> str:
        kk, ru, en = self.names
        return {"kk": kk, "ru": ru}.get(locale, en)

    def evaluate(self, facts: Facts, thresholds: Thresholds | None = None) -> tuple[Value, Light]:
        value = self.compute(facts)
        if self.informative:
            return value, Light.NONE
        return value, (thresholds or self.thresholds).light(value.value)


D = Direction
REGISTRY: tuple[Indicator, ...] = (
    Indicator("protocols_late",
              ("Кешіктіріп жарияланған хаттамалар", "Протоколы, опубликованные с опозданием",
               "Protocols published late"),
              "Share of the period's ciphered protocols published after their deadline "
              "(RISK_PROTOCOL_HOURS after the round), or still unpublished past it; the worst delay.",
              "%", D.CONTROL, Thresholds(5, 20), protocols_late),
    Indicator("score_changes_without_appeal",
              ("Апелляциясыз өзгертілген баллдар", "Изменения баллов без апелляции",
               "Score changes without an appeal"),
              "Task scores changed after the protocol's publication by anything but an appeal.",
              "count", D.CONTROL, Thresholds(1, 3), score_changes_without_appeal),
    Indicator("diplomas_unverifiable",
              ("Тексерілмейтін QR кодты дипломдар", "Дипломы без проверяемого QR-кода",
               "Diplomas without a verifiable QR code"),
              "Diplomas issued in the period whose QR payload does not verify against the "
              "published keys.",
              "count", D.OTHER, Thresholds(1, 1), diplomas_unverifiable),
    Indicator("conflicts_detected",
              ("Анықталған мүдделер қақтығысы", "Выявленные конфликты интересов",
               "Conflicts of interest detected"),
              "Juror–work pairs barred for a conflict of interest (hard ones and potential ones "
              "the chair barred). Information: the platform found them.",
              "count", D.CONFLICT_OF_INTEREST, Thresholds(0, 0), conflicts_detected, True),
    Indicator("conflicts_reached_marking",
              ("Бағалауға жеткен қақтығыстар", "Конфликты, дошедшие до проверки",
               "Conflicts that reached marking"),
              "Barred juror–work pairs that nevertheless appear among the marking assignments.",
              "count", D.CONFLICT_OF_INTEREST, Thresholds(1, 1), conflicts_reached_marking),
    Indicator("jurors_undeclared",
              ("Декларациясыз іріктелген қазылар", "Члены жюри без подписанной декларации",
               "Jurors drawn without a signed declaration"),
              "Jurors in the period's draws with no signed conflict-of-interest declaration for "
              "the event.",
              "count", D.CONFLICT_OF_INTEREST, Thresholds(1, 3), jurors_undeclared),
    Indicator("appeals_filed",
              ("Берілген апелляциялар", "Поданные апелляции", "Appeals filed"),
              "Appeals filed in the period. Information.",
              "count", D.CONTROL, Thresholds(0, 0), appeals_filed, True),
    Indicator("appeals_upheld",
              ("Қанағаттандырылған апелляциялар", "Удовлетворённые апелляции", "Appeals upheld"),
              "Share of decided appeals that changed a score (raised or lowered).",
              "%", D.CONTROL, Thresholds(25, 50), appeals_upheld),
    Indicator("appeals_late",
              ("Кешіктіріп қаралған апелляциялар", "Апелляции, рассмотренные с опозданием",
               "Appeals decided late"),
              "Appeals decided (or still open) more than RISK_APPEAL_HOURS after filing.",
              "count", D.CONTROL, Thresholds(1, 3), appeals_late),
    Indicator("marker_divergence",
              ("Бағалаушылар арасындағы алшақтық", "Расхождение оценок проверяющих",
               "Marker divergence"),
              "Share of task scores whose two markers differed enough to need a third.",
              "%", D.CONTROL, Thresholds(15, 30), marker_divergence),
    Indicator("outlier_jurors",
              ("Ауытқыған бағалаушылар", "Проверяющие с выбросами", "Outlier jurors"),
              "Jurors whose mean deviation from their co-markers is 2 standard deviations from "
              "the others' (a count, never who).",
              "count", D.CONTROL, Thresholds(1, 3), outlier_jurors),
    Indicator("pages_by_hand",
              ("Қолмен шешілген беттер", "Страницы, разобранные вручную", "Pages resolved by hand"),
              "Share of scanned pages that a person assigned or corrected in the page queue.",
              "%", D.INFORMATION_SYSTEMS, Thresholds(5, 15), pages_by_hand),
    Indicator("pages_discarded",
              ("Есептен шығарылған беттер", "Отброшенные страницы", "Pages discarded"),
              "Share of scanned pages discarded in the page queue.",
              "%", D.INFORMATION_SYSTEMS, Thresholds(2, 5), pages_discarded),
    Indicator("critical_alone",
              ("Екінші адамсыз маңызды әрекеттер", "Критические действия без второго лица",
               "Critical actions without a second person"),
              "Unsealing by one person's passphrase (not by key shares), score changes after a "
              "freeze without a commission, diploma batches approved by their maker.",
              "count", D.OTHER, Thresholds(1, 3), critical_alone),
    Indicator("disqualifications_per_venue",
              ("Өткізу орны бойынша шеттетулер", "Дисквалификации по площадкам",
               "Disqualifications per venue"),
              "The highest share of disqualified entries at one venue (venues with 10 entries "
              "or more).",
              "%", D.CONTROL, Thresholds(3, 8), disqualifications_per_venue),
    Indicator("audit_chain",
              ("Аудит тізбегінің тұтастығы", "Целостность журнала аудита", "Audit chain integrity"),
              "1 when the audit chain does not verify from its first event to its head, else 0.",
              "count", D.INFORMATION_SYSTEMS, Thresholds(1, 1), audit_chain),
)  # fmt: skip
BY_CODE = {i.code: i for i in REGISTRY}


@dataclass(frozen=True)
class Reading:
    indicator: Indicator
    value: Value
    light: Light
    thresholds: Thresholds


def evaluate_all(
    facts: Facts, overrides: Mapping[str, tuple[float, float]] | None = None
) -> list[Reading]:
    """Every indicator on one period's facts, with thresholds overridden where configured."""
    readings = []
    unknown = set(overrides or {}) - set(BY_CODE)
    if unknown:
        raise ValueError(f"unknown indicator codes in the thresholds: {', '.join(sorted(unknown))}")
    for indicator in REGISTRY:
        thresholds = indicator.thresholds
        if overrides and indicator.code in overrides:
            amber, red = overrides[indicator.code]
            thresholds = Thresholds(amber, red, indicator.thresholds.higher_is_worse)
        value, light = indicator.evaluate(facts, thresholds)
        readings.append(Reading(indicator, value, light, thresholds))
    return readings

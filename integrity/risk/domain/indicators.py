"""The indicators the platform measures for the corruption-risk analysis. Pure.

Each indicator is a function of ``Facts``: plain records of one period that the service layer
reads from the database (``integrity.risk.services.facts``). The records carry no names: an indicator says
which process is at risk, never which juror or participant. The registry maps a code to its
definition, unit, default thresholds and the direction it feeds; the ``RISK_THRESHOLDS`` setting
may override the thresholds.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from integrity.risk.domain import Direction, Light, Thresholds
from integrity.risk.domain.facts import (
    AppealFact,
    ConflictFact,
    CriticalActionFact,
    Facts,
    Item,
    MarkerFact,
    Process,
    ProtocolFact,
    ScoreChangeFact,
    Value,
    VenueFact,
)
from integrity.risk.domain.wording import ACTIONS, OUTCOMES, hours_text

__all__ = [
    "AppealFact",
    "ConflictFact",
    "CriticalActionFact",
    "Facts",
    "Item",
    "MarkerFact",
    "Process",
    "ProtocolFact",
    "ScoreChangeFact",
    "Value",
    "VenueFact",
]

# ---------------------------------------------------------------- the functions


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def _late_by(hours: float) -> tuple[str, str, str]:
    return tuple(  # type: ignore[return-value]
        text.format(hours_text(hours, lang))
        for text, lang in (("{} кешікті", "kk"), ("с опозданием на {}", "ru"), ("{} late", "en"))
    )


ON_TIME = ("уақытында", "вовремя", "on time")
NOT_PUBLISHED = ("әлі жарияланбаған", "ещё не опубликован", "not published yet")
NOT_DECIDED = ("әлі қаралмаған", "ещё не рассмотрена", "not decided yet")


def protocols_late(f: Facts) -> Value:
    if not f.protocols:
        return Value(None)
    now = f.cutoff
    items, worst = [], 0.0
    for p in f.protocols:
        hours = ((p.published or now) - p.due).total_seconds() / 3600
        late = hours > 0
        worst = max(worst, hours)
        note = _late_by(hours) if late else ON_TIME
        if p.published is None:
            note = tuple(f"{a}, {b}" for a, b in zip(NOT_PUBLISHED, note, strict=True))  # type: ignore[assignment]
        items.append(Item(p.process.words(), note, late, p.published))
    n = sum(1 for i in items if i.counted)
    detail: dict[str, float | str] = {"n": n, "of": len(items)}
    if n:
        detail["hours"] = round(worst)
    return Value(_share(n, len(items)), detail, tuple(items), base=len(items))


def score_changes_without_appeal(f: Facts) -> Value:
    return Value(
        float(sum(1 for c in f.score_changes if c.after_publication and c.kind != "appeal"))
    )


def diplomas_unverifiable(f: Facts) -> Value:
    if f.diplomas_issued == 0:
        return Value(None)
    return Value(
        float(f.diplomas_unverifiable), {"n": f.diplomas_unverifiable, "of": f.diplomas_issued}
    )


def conflicts_detected(f: Facts) -> Value:
    return Value(float(sum(1 for c in f.conflicts if c.hard)))


def conflicts_reached_marking(f: Facts) -> Value:
    return Value(float(sum(1 for c in f.conflicts if c.reached_marking)))


def jurors_undeclared(f: Facts) -> Value:
    if f.jurors_drawn == 0:
        return Value(None)
    return Value(float(f.jurors_undeclared), {"n": f.jurors_undeclared, "of": f.jurors_drawn})


def _appeal(a: AppealFact, counted: bool, note: tuple[str, str, str]) -> Item:
    return Item(a.process.words(), note, counted, a.filed)


def _outcome(a: AppealFact) -> tuple[str, str, str]:
    return OUTCOMES.get(a.outcome or "", NOT_DECIDED) if a.decided else NOT_DECIDED


def appeals_filed(f: Facts) -> Value:
    items = tuple(_appeal(a, True, _outcome(a)) for a in sorted(f.appeals, key=lambda a: a.filed))
    return Value(float(len(f.appeals)), items=items)


def appeals_upheld(f: Facts) -> Value:
    decided = sorted((a for a in f.appeals if a.decided is not None), key=lambda a: a.filed)
    items = tuple(_appeal(a, a.outcome in ("raised", "lowered"), _outcome(a)) for a in decided)
    changed = sum(1 for i in items if i.counted)
    detail = {"n": changed, "of": len(decided)} if decided else {}
    return Value(_share(changed, len(decided)), detail, items, base=len(decided))


def appeals_late(f: Facts) -> Value:
    hours = f.settings.get("appeal_decision_hours", 48.0)
    now = f.cutoff
    items = []
    for a in sorted(f.appeals, key=lambda a: a.filed):
        took = ((a.decided or now) - a.filed).total_seconds() / 3600
        note = _outcome(a) if a.decided else NOT_DECIDED
        words = tuple(f"{o}, {hours_text(took, lang)}"
                      for o, lang in zip(note, ("kk", "ru", "en"), strict=True))  # fmt: skip
        items.append(_appeal(a, took > hours, words))  # type: ignore[arg-type]
    late = sum(1 for i in items if i.counted)
    return Value(float(late), {"hours": hours} if late else {}, tuple(items))


def marker_divergence(f: Facts) -> Value:
    return Value(
        _share(f.task_scores_third, f.task_scores),
        {"n": f.task_scores_third, "of": f.task_scores} if f.task_scores else {},
        base=f.task_scores,
    )


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
    return Value(float(outliers), {"of": len(counted)})


def pages_by_hand(f: Facts) -> Value:
    return Value(_share(f.pages_by_hand, f.pages), {"n": f.pages_by_hand, "of": f.pages},
                 base=f.pages)  # fmt: skip


def pages_discarded(f: Facts) -> Value:
    return Value(_share(f.pages_discarded, f.pages), {"n": f.pages_discarded, "of": f.pages},
                 base=f.pages)  # fmt: skip


def critical_alone(f: Facts) -> Value:
    alone = [a for a in f.critical_actions if not a.second_person]
    kinds = Counter(a.action for a in alone)
    items = tuple(
        Item(ACTIONS.get(a.action, (a.action,) * 3), ALONE if not a.second_person else SECOND,
             not a.second_person)
        for a in f.critical_actions
    )  # fmt: skip
    return Value(float(len(alone)), dict(sorted(kinds.items())), items)


ALONE = ("бір адам", "один человек", "one person")
SECOND = ("екінші адаммен", "со вторым лицом", "with a second person")


def disqualifications_per_venue(f: Facts) -> Value:
    """The highest share of disqualified entries at one venue (a place, not a person)."""
    counted = [v for v in f.venues if v.entries >= 10]
    if not counted:
        return Value(None)
    worst = max(counted, key=lambda v: v.disqualified / v.entries)
    share = _share(worst.disqualified, worst.entries)
    items = tuple(
        Item((v.venue,) * 3, (f"{v.disqualified} / {v.entries}",) * 3, v is worst) for v in counted
    )
    detail: dict[str, float | str] = (
        {"venue": worst.venue, "n": worst.disqualified, "of": worst.entries} if share else {}
    )
    return Value(share, detail, items, base=worst.entries)


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

    def evaluate(
        self, facts: Facts, thresholds: Thresholds | None = None, min_count: int = 1
    ) -> tuple[Value, Light]:
        """The value and its light: none when there was nothing to measure, for information
        when high is no risk in itself, too few to judge when a share is of fewer than
        ``min_count`` things (one upheld appeal of one is not 100 % of anything)."""
        value = self.compute(facts)
        if value.value is None:
            return value, Light.NONE
        if self.informative:
            return value, Light.INFO
        if value.base is not None and value.base < min_count:
            return value, Light.FEW
        return value, (thresholds or self.thresholds).light(value.value)


D = Direction
REGISTRY: tuple[Indicator, ...] = (
    Indicator("protocols_late",
              ("Кешіктіріп жарияланған хаттамалар", "Протоколы, опубликованные с опозданием",
               "Protocols published late"),
              "Share of the period's ciphered protocols published after their deadline (the "
              "protocol hours after the round), or still unpublished past it; the worst delay.",
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
              "Appeals decided (or still open) more than the appeal hours after filing.",
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
    facts: Facts,
    overrides: Mapping[str, tuple[float, float]] | None = None,
    min_count: int = 1,
) -> list[Reading]:
    """Every indicator on one period's facts, with thresholds overridden where configured; a
    share of fewer than ``min_count`` things is too few to judge."""
    readings = []
    unknown = set(overrides or {}) - set(BY_CODE)
    if unknown:
        raise ValueError(f"unknown indicator codes in the thresholds: {', '.join(sorted(unknown))}")
    for indicator in REGISTRY:
        thresholds = indicator.thresholds
        if overrides and indicator.code in overrides:
            amber, red = overrides[indicator.code]
            thresholds = Thresholds(amber, red, indicator.thresholds.higher_is_worse)
        value, light = indicator.evaluate(facts, thresholds, min_count)
        readings.append(Reading(indicator, value, light, thresholds))
    return readings

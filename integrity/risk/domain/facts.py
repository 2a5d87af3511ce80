"""The facts the indicators are computed from: plain records of one period, read by the service
layer (``integrity.risk.services.facts``), and what an indicator answers. Pure.

Nothing here names a person: a fact carries counts, times, processes (a subject's round and grade,
in words) and venues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

Words = tuple[str, str, str]  # kk, ru, en


def say(words: Words, lang: str) -> str:
    kk, ru, en = words
    return {"kk": kk, "ru": ru}.get(lang, en)


@dataclass(frozen=True)
class Process:
    """A round's protocol of one grade, as people name it: «Химия, 1-тур, 11-сынып»."""

    subject: Words
    round: int
    grade: int

    def words(self) -> Words:
        kk, ru, en = self.subject
        return (
            f"{kk}, {self.round}-тур, {self.grade}-сынып",
            f"{ru}, тур {self.round}, {self.grade} класс",
            f"{en}, round {self.round}, grade {self.grade}",
        )


NO_PROCESS = Process(("—", "—", "—"), 0, 0)


@dataclass(frozen=True)
class ProtocolFact:
    process: Process
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
    process: Process = NO_PROCESS


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
class Item:
    """One thing behind an indicator's number: a protocol, an appeal, a venue, a kind of action.
    ``counted`` says whether it counts towards the number; ``at`` is its time, when it has one."""

    what: Words
    note: Words = ("", "", "")
    counted: bool = True
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Value:
    value: float | None  # None: nothing to measure in the period
    # What the number is made of, as numbers (and a venue's name): ``n`` of ``of``, the worst
    # delay in ``hours``… ``wording.detail`` says it in words. Never a person.
    detail: Mapping[str, float | str] = field(default_factory=dict)
    items: tuple[Item, ...] = ()
    base: int | None = None  # how many things a share is of: too few, and it judges nothing

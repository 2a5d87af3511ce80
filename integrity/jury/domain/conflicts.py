"""Conflicts of interest between jurors and entries, from registry facts. Pure.

Hard conflicts come from identifiers: the same school; the same district when the event says so;
a relation the juror declared with the participant's IIN (relative, own pupil, supervised
project); the participant's supervisor naming the juror in full. Potential conflicts come from
resemblance and need the chair's decision: the same surname (up to its gendered ending) in the same
district, a supervisor's name that resembles the juror's, a relation declared by name only whose
name matches the participant.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from integrity.registry.domain import name_key


class Reason(StrEnum):
    SAME_SCHOOL = "same_school"
    SAME_DISTRICT = "same_district"
    RELATIVE = "relative"
    OWN_PUPIL = "own_pupil"
    SUPERVISED_PROJECT = "supervised_project"
    NAMED_SUPERVISOR = "named_supervisor"
    # potential: the chair confirms or dismisses
    SURNAME_IN_DISTRICT = "surname_in_district"
    SUPERVISOR_RESEMBLES = "supervisor_resembles"
    RELATION_BY_NAME = "relation_by_name"


POTENTIAL = frozenset(
    {Reason.SURNAME_IN_DISTRICT, Reason.SUPERVISOR_RESEMBLES, Reason.RELATION_BY_NAME}
)
RESEMBLANCE = 0.85  # difflib ratio from which a supervisor's name "resembles" a juror's
PREFIX = 3


@dataclass(frozen=True)
class JurorFacts:
    id: int
    surname: str
    given_name: str
    patronymic: str | None
    school_id: int | None
    district_id: int | None  # the juror's own, or their school's
    relations: tuple[tuple[str, str | None, str], ...] = ()  # (kind, IIN or None, full name)


@dataclass(frozen=True)
class EntryFacts:
    entry_id: int
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    school_id: int
    district_id: int
    supervisor: str | None


@dataclass(frozen=True)
class Conflict:
    juror_id: int
    entry_id: int
    reasons: tuple[Reason, ...]

    @property
    def hard(self) -> bool:
        return any(r not in POTENTIAL for r in self.reasons)


# Gendered and patronymic endings that differ within one family: Ахметов / Ахметова,
# Сейтқали ұлы / қызы, Жуковский / Жуковская.
_ENDINGS = (
    ("ова", "ов"),
    ("ева", "ев"),
    ("ёва", "ев"),
    ("ина", "ин"),
    ("ына", "ын"),
    ("ская", "ский"),
    ("цкая", "цкий"),
    ("қызы", "ұлы"),
    ("кызы", "улы"),
)


def surname_stem(surname: str) -> str:
    key = name_key(surname)
    for feminine, masculine in _ENDINGS:
        if key.endswith(feminine):
            return key[: -len(feminine)] + masculine
    return key


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.,;]+", name_key(text)) if w]


def supervisor_match(supervisor: str, juror: JurorFacts) -> Reason | None:
    """NAMED_SUPERVISOR when the text names the juror (surname and given name, in any order, with
    or without patronymic); SUPERVISOR_RESEMBLES when it has the juror's surname stem with
    matching initials, or reads like the juror's name; otherwise None."""
    words = _words(supervisor)
    if not words:
        return None
    surname, given = name_key(juror.surname), name_key(juror.given_name)
    stems = {surname_stem(w) for w in words}
    if surname in words and given in words:
        return Reason.NAMED_SUPERVISOR
    stem = surname_stem(juror.surname)
    if stem in stems:
        initials = {w[0] for w in words if surname_stem(w) != stem}
        if given[:1] in initials:
            return Reason.SUPERVISOR_RESEMBLES
    full = " ".join(_words(f"{juror.surname} {juror.given_name} {juror.patronymic or ''}"))
    short = f"{surname} {given}"
    joined = " ".join(words)
    best = max(
        difflib.SequenceMatcher(None, joined, full).ratio(),
        difflib.SequenceMatcher(None, joined, short).ratio(),
    )
    return Reason.SUPERVISOR_RESEMBLES if best >= RESEMBLANCE else None


@dataclass
class _Index:
    by_school: dict[int, list[EntryFacts]] = field(default_factory=lambda: defaultdict(list))
    by_district: dict[int, list[EntryFacts]] = field(default_factory=lambda: defaultdict(list))
    by_iin: dict[str, list[EntryFacts]] = field(default_factory=lambda: defaultdict(list))
    by_stem_district: dict[tuple[str, int], list[EntryFacts]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_name: dict[str, list[EntryFacts]] = field(default_factory=lambda: defaultdict(list))
    # Entries by the first letters of each word of their supervisor's name: a juror's name is
    # compared only with supervisors who share the start of a word with the juror's surname.
    by_supervisor_prefix: dict[str, list[EntryFacts]] = field(
        default_factory=lambda: defaultdict(list)
    )


def find_conflicts(
    jurors: Iterable[JurorFacts], entries: Iterable[EntryFacts], *, same_district: bool
) -> list[Conflict]:
    """Every juror–entry pair with a reason to keep them apart, hard or potential, sorted by juror
    then entry. Indexed, so 300 jurors × 10,000 entries is not 3 million comparisons."""
    index = _Index()
    for entry in entries:
        index.by_school[entry.school_id].append(entry)
        index.by_district[entry.district_id].append(entry)
        index.by_iin[entry.iin].append(entry)
        index.by_stem_district[surname_stem(entry.surname), entry.district_id].append(entry)
        index.by_name[
            " ".join(_words(f"{entry.surname} {entry.given_name} {entry.patronymic or ''}"))
        ].append(entry)
        index.by_name[" ".join(_words(f"{entry.surname} {entry.given_name}"))].append(entry)
        if entry.supervisor:
            for prefix in {w[:PREFIX] for w in _words(entry.supervisor) if len(w) > 2}:
                index.by_supervisor_prefix[prefix].append(entry)
    found: dict[tuple[int, int], set[Reason]] = defaultdict(set)
    for juror in jurors:

        def add(entries_: Iterable[EntryFacts], reason: Reason, juror_id: int = juror.id) -> None:
            for e in entries_:
                found[juror_id, e.entry_id].add(reason)

        if juror.school_id is not None:
            add(index.by_school.get(juror.school_id, []), Reason.SAME_SCHOOL)
        if juror.district_id is not None:
            if same_district:
                add(index.by_district.get(juror.district_id, []), Reason.SAME_DISTRICT)
            add(
                index.by_stem_district.get((surname_stem(juror.surname), juror.district_id), []),
                Reason.SURNAME_IN_DISTRICT,
            )
        for kind, iin, full in juror.relations:
            if iin:
                add(index.by_iin.get(iin, []), Reason(kind))
            else:
                add(index.by_name.get(" ".join(_words(full)), []), Reason.RELATION_BY_NAME)
        for entry in index.by_supervisor_prefix.get(name_key(juror.surname)[:PREFIX], []):
            assert entry.supervisor is not None
            reason = supervisor_match(entry.supervisor, juror)
            if reason is not None:
                found[juror.id, entry.entry_id].add(reason)
    conflicts = []
    for (juror_id, entry_id), reasons in sorted(found.items()):
        hard = sorted(r for r in reasons if r not in POTENTIAL)
        chosen = hard or sorted(reasons)  # a hard reason makes the others moot
        conflicts.append(Conflict(juror_id, entry_id, tuple(Reason(r) for r in chosen)))
    return conflicts

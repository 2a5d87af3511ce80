"""Generating the jury: teachers, lecturers and methodologists, with a few planted conflicts of
interest (declared and hidden) for the checks to find.

Every step draws from the one ``random.Random`` in a fixed order, so a seed yields the same jury.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from integrity.demo.domain import names
from integrity.demo.domain.generator.people import Adult, World, random_day
from integrity.demo.domain.generator.records import DemoJuror, DemoParticipant, DemoRelation

JURORS_PER_SUBJECT = 4


@dataclass
class _Draft:
    person: Adult
    kind: str
    organisation: str
    school_key: str | None
    district_key: str
    subjects: list[str]
    relations: list[DemoRelation] = field(default_factory=list)
    planted: bool = False  # carries a deliberate conflict, declared or hidden
    signed: bool = True


@dataclass
class _Jury:
    """The jury being drafted, and the participants already tied to a juror."""

    world: World
    drafts: list[_Draft] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)

    def pick(self, codes: tuple[str, ...] = ()) -> int:
        pupils = self.world.pupils
        index = self.world.rng.choice(
            [i for i, p in enumerate(pupils) if p.iin not in self.taken and p.subject_code in codes]
        )
        self.taken.add(pupils[index].iin)
        return index

    def teacher(self, person: Adult, school_key: str, subjects: list[str]) -> _Draft:
        school = next(s for s in self.world.schools if s.key == school_key)
        draft = _Draft(person, "school", school.name_kk, school.key, school.district_key, [])
        draft.subjects, draft.planted = subjects, bool(subjects)
        return draft

    def near(self, pupil: DemoParticipant) -> str:
        district = self.world.district_of(pupil.school_key)
        return self.world.rng.choice(
            [s.key for s in self.world.schools if s.district_key == district]
        )


def _tie(draft: _Draft, kind: str, pupil: DemoParticipant, note: str) -> None:
    draft.relations.append(DemoRelation(kind, pupil.iin, pupil.full_name, note))


def build_jurors(world: World, total: int) -> tuple[DemoJuror, ...]:
    """Jurors, with a few planted conflicts of interest for the checks to find."""
    rng = world.rng
    jury = _Jury(world)
    codes = tuple(s.code for s in world.subjects)
    _coaches(jury)
    _kin(jury, codes)
    _supervisor(jury, codes)
    _relatives_outside(jury)
    _everyone_else(jury, total)
    drafts = jury.drafts
    rng.shuffle(drafts)
    _assign_subjects(rng, drafts, list(codes))
    quiet = [d for d in drafts if not d.relations and not d.planted]
    for d in rng.sample(quiet, min(len(quiet), round(total * 0.13))):
        d.signed = False
    width = max(2, len(str(total)))
    return tuple(
        DemoJuror(f"J{n:0{width}d}", d.person.iin, d.person.surname, d.person.given_name,
                  d.person.patronymic, d.kind, d.organisation, d.school_key, d.district_key,
                  tuple(d.subjects), d.signed, tuple(d.relations))
        for n, d in enumerate(drafts, start=1)
    )  # fmt: skip


def _coaches(jury: _Jury) -> None:
    """Coaches on the jury: two declare their own pupils, one does not."""
    world, pupils = jury.world, jury.world.pupils
    coached = [
        (coach, school_key, code, mine)
        for (school_key, code), team in world.coaches.items()
        for coach in team
        if (mine := [p for p in pupils if p.school_key == school_key and p.subject_code == code
                     and p.supervisor == coach.full_name])
    ]  # fmt: skip
    chosen = world.rng.sample(coached, min(3, len(coached)))
    for n, (coach, school_key, code, mine) in enumerate(chosen):
        jury.drafts.append(jury.teacher(coach, school_key, [code]))
        for pupil in mine[:2] if n < 2 else ():
            jury.taken.add(pupil.iin)
            _tie(jury.drafts[-1], "own_pupil", pupil, names.NOTE_OWN_PUPIL)


def _kin(jury: _Jury, codes: tuple[str, ...]) -> None:
    """Kin in the same district: same surname declared, same surname silent, a sister's child."""
    world = jury.world
    for how in ("brother", "silent", "sister"):
        index = jury.pick(codes)
        pupil = world.pupils[index]
        if how == "sister":
            person = world.adult()
            while person.surname == pupil.surname:
                person = world.adult()
        else:
            person = world.adult(sex=pupil.sex, family=world.families[index])
        jury.drafts.append(jury.teacher(person, jury.near(pupil), [pupil.subject_code]))
        if how == "brother":
            _tie(jury.drafts[-1], "relative", pupil, names.NOTE_BROTHERS_CHILD[pupil.sex])
        elif how == "sister":
            note = names.NOTE_SISTERS_CHILD[person.sex, pupil.sex]
            _tie(jury.drafts[-1], "relative", pupil, note)


def _supervisor(jury: _Jury, codes: tuple[str, ...]) -> None:
    """A university lecturer who supervised a participant's research project."""
    world = jury.world
    sciences = tuple(c for c in codes if c in ("PHYS", "CHEM", "BIO", "INF")) or codes
    pupil = world.pupils[jury.pick(sciences)]
    draft = _Draft(world.adult(), "university", names.UNIVERSITIES[0], None,
                   world.rng.choice(("D01", "D02")), [pupil.subject_code], planted=True)  # fmt: skip
    _tie(draft, "supervised_project", pupil, names.NOTE_PROJECT.format(year=world.start_year - 1))
    jury.drafts.append(draft)


def _relatives_outside(jury: _Jury) -> None:
    """Relatives who are not participants: an own child (with an IIN) and a spouse's nephew."""
    world, rng = jury.world, jury.world.rng
    family = names.family(rng, rng.random() < 0.2)
    draft = jury.teacher(world.adult(family=family), rng.choice(world.schools).key, [])
    sex = rng.choice("MF")
    born = date(world.start_year - 16, 9, 2)
    child_iin = world.new_iin(random_day(rng, born, date(born.year + 1, 9, 1)), sex)
    known = {(p.surname, p.given_name) for p in world.pupils}

    def outsider(fam: names.Family, sex: str) -> str:  # nobody in the event has this name
        while (name := (fam.surname(sex), names.given_name(rng, sex, fam.russian, False))) in known:
            pass
        return names.join(*name)

    child = outsider(family, sex)
    nephew = outsider(names.family(rng, family.russian), "M")
    draft.relations += [
        DemoRelation("relative", child_iin, child, names.NOTE_OWN_CHILD[sex]),
        DemoRelation("relative", None, nephew, names.NOTE_SPOUSES_NEPHEW[draft.person.sex]),
    ]
    jury.drafts.append(draft)


def _everyone_else(jury: _Jury, total: int) -> None:
    """Teachers of demo schools, university lecturers, methodologists."""
    world, rng, drafts = jury.world, jury.world.rng, jury.drafts
    universities = max(2, round(total * 0.15)) - 1
    others = max(1, round(total * 0.07))
    while len(drafts) < total:
        if universities:
            universities -= 1
            drafts.append(_Draft(world.adult(), "university", rng.choice(names.UNIVERSITIES),
                                 None, rng.choice(("D01", "D02")), []))  # fmt: skip
        elif others:
            others -= 1
            drafts.append(_Draft(world.adult(), "other", rng.choice(names.OTHER_ORGANISATIONS),
                                 None, rng.choice(world.schools).district_key, []))  # fmt: skip
        else:
            drafts.append(jury.teacher(world.adult(), rng.choice(world.schools).key, []))


def _assign_subjects(rng: random.Random, drafts: list[_Draft], codes: list[str]) -> None:
    """One or two subjects per juror, at least JURORS_PER_SUBJECT jurors per subject."""
    counts = dict.fromkeys(codes, 0)

    def least(exclude: list[str]) -> tuple[int, list[str]]:
        low = min(counts[c] for c in codes if c not in exclude)
        return low, [c for c in codes if c not in exclude and counts[c] == low]

    for d in drafts:
        if not d.subjects:
            d.subjects.append(rng.choice(least([])[1]))
        counts[d.subjects[0]] += 1
    for d in drafts:
        low, options = least(d.subjects)
        if low < JURORS_PER_SUBJECT or rng.random() < 0.3:
            second = rng.choice(options if low < JURORS_PER_SUBJECT else codes)
            if second not in d.subjects:
                d.subjects.append(second)
                counts[second] += 1
    if min(counts.values()) < JURORS_PER_SUBJECT:
        raise RuntimeError(f"too few jurors per subject: {counts}")

"""Generating people: adults (coaches, jurors) and the participants, with valid unique IINs."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from integrity.demo.domain import names
from integrity.demo.domain.generator.records import DemoParticipant, DemoSchool, DemoSubject
from integrity.registry.domain.iin import make_iin


@dataclass(frozen=True)
class Adult:
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    sex: str

    @property
    def full_name(self) -> str:
        return names.join(self.surname, self.given_name, self.patronymic)


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


@dataclass
class World:
    """Generation state: the rng, issued IINs, schools, their coaches and the participants."""

    rng: random.Random
    today: date
    start_year: int
    subjects: tuple[DemoSubject, ...]
    schools: list[DemoSchool]
    coaches: dict[tuple[str, str], list[Adult]] = field(default_factory=dict)
    pupils: list[DemoParticipant] = field(default_factory=list)
    families: list[names.Family] = field(default_factory=list)  # parallel to pupils
    used_iins: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        # One or two olympiad coaches per school and subject; pupils name them as supervisor.
        for school in self.schools:
            for subject in self.subjects:
                team = [self.adult() for _ in range(self.rng.choice((1, 1, 1, 2)))]
                self.coaches[(school.key, subject.code)] = team

    def district_of(self, school_key: str) -> str:
        return next(s.district_key for s in self.schools if s.key == school_key)

    def new_iin(self, birth: date, sex: str) -> str:
        while True:
            iin = make_iin(birth, sex, self.rng.randrange(10_000))
            if iin is not None and iin not in self.used_iins:
                self.used_iins.add(iin)
                return iin

    def adult(self, sex: str | None = None, family: names.Family | None = None) -> Adult:
        rng = self.rng
        sex = sex or ("F" if rng.random() < 0.7 else "M")  # most teachers are women
        family = family or names.family(rng, rng.random() < 0.2)
        year = self.start_year
        birth = random_day(rng, date(year - 60, 1, 1), date(year - 26, 12, 31))
        grandfather = rng.choice(names.fathers(family, elder=True))
        return Adult(
            iin=self.new_iin(birth, sex),
            surname=family.surname(sex),
            given_name=names.given_name(rng, sex, family.russian, adult=True),
            patronymic=names.patronymic(rng, grandfather, sex, family),
            sex=sex,
        )

    def make_participants(self, count: int) -> None:
        rng = self.rng
        weights = [
            3 if "лицей" in s.name_kk else 2 if "гимназия" in s.name_kk else 1 for s in self.schools
        ]
        for _ in range(count):
            school = rng.choices(self.schools, weights=weights)[0]
            subject = rng.choice(self.subjects)
            grades = range(subject.grade_min, subject.grade_max + 1)
            grade = rng.choices(grades, weights=[4 + 2 * i for i in range(len(grades))])[0]
            sex = rng.choice("MF")
            family = names.family(rng, rng.random() < 0.2)
            # Grade 1 starts in the September a child is six; a few started late or skipped.
            shift = rng.choices((1, 0, -1), weights=(5, 92, 3))[0]
            first_day = date(self.start_year - 6 - grade - shift, 9, 2)
            birth = random_day(rng, first_day, date(first_day.year + 1, 9, 1))
            father = rng.choice(names.fathers(family, elder=False))
            guardian_sex = "M" if rng.random() < 0.6 else "F"
            guardian = names.join(
                family.surname(guardian_sex),
                father if guardian_sex == "M" else names.given_name(rng, "F", family.russian, True),
                names.patronymic(
                    rng, rng.choice(names.fathers(family, elder=True)), guardian_sex, family
                ),
            )
            team = self.coaches[(school.key, subject.code)]
            self.families.append(family)
            self.pupils.append(
                DemoParticipant(
                    iin=self.new_iin(birth, sex),
                    surname=family.surname(sex),
                    given_name=names.given_name(rng, sex, family.russian, adult=False),
                    patronymic=names.patronymic(rng, father, sex, family),
                    sex=sex,
                    grade=grade,
                    school_key=school.key,
                    subject_code=subject.code,
                    supervisor=rng.choice(team).full_name if rng.random() < 0.85 else None,
                    consent_by=guardian,
                    consent_date=self.today - timedelta(days=rng.randint(12, 45)),
                    consent_public=rng.random() < 0.9,
                )
            )

"""A generated demo event: the regional stage of the school subject olympiad in Zhambyl region.

Every person is made up from the name lists in :mod:`integrity.demo.names`; IINs are valid but
generated. The output depends only on the ``random.Random`` passed in (and the arguments), so the
same seed always yields the same event.

Pure: standard library and :mod:`integrity.registry.domain.iin` only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from integrity.demo import names
from integrity.registry.domain.iin import check_digit, make_iin

MIN_PARTICIPANTS = 60
MIN_SCHOOLS = len(names.DISTRICTS)
MIN_JURORS = 15
JURORS_PER_SUBJECT = 4


@dataclass(frozen=True)
class DemoTask:
    number: int
    title_kk: str
    title_ru: str
    max_points: int
    criteria: tuple[tuple[str, int], ...]  # (description in Kazakh, points); sum == max_points


@dataclass(frozen=True)
class DemoSubject:
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    grade_min: int
    grade_max: int
    tasks: tuple[DemoTask, ...]


@dataclass(frozen=True)
class DemoDistrict:
    key: str
    name_kk: str
    name_ru: str
    kato: str | None


@dataclass(frozen=True)
class DemoSchool:
    key: str
    name_kk: str
    name_ru: str
    district_key: str
    bin: str | None


@dataclass(frozen=True)
class DemoParticipant:
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    sex: str  # "M" or "F", as in the IIN
    grade: int
    school_key: str
    subject_code: str
    supervisor: str | None  # teacher's full name
    consent_by: str  # guardian's full name
    consent_date: date
    consent_public: bool

    @property
    def full_name(self) -> str:
        return names.join(self.surname, self.given_name, self.patronymic)


@dataclass(frozen=True)
class DemoRelation:
    kind: str  # "relative" | "own_pupil" | "supervised_project"
    iin: str | None
    full_name: str
    note: str


@dataclass(frozen=True)
class DemoJuror:
    key: str
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    organisation_kind: str  # "school" | "university" | "other"
    organisation: str
    school_key: str | None
    district_key: str
    subject_codes: tuple[str, ...]
    declaration_signed: bool
    relations: tuple[DemoRelation, ...]

    @property
    def full_name(self) -> str:
        return names.join(self.surname, self.given_name, self.patronymic)


@dataclass(frozen=True)
class DemoEvent:
    title_kk: str
    title_ru: str
    title_en: str
    kind: str  # "subject_olympiad"
    stage: str  # "regional"
    academic_year: str  # "2026-2027"


@dataclass(frozen=True)
class DemoData:
    event: DemoEvent
    subjects: tuple[DemoSubject, ...]
    districts: tuple[DemoDistrict, ...]
    schools: tuple[DemoSchool, ...]
    participants: tuple[DemoParticipant, ...]
    jurors: tuple[DemoJuror, ...]


def generate(
    rng: random.Random,
    *,
    participants: int = 600,
    schools: int = 40,
    jurors: int = 30,
    today: date = date(2026, 11, 22),
) -> DemoData:
    """Generate a whole demo event; deterministic for a given ``rng`` state and arguments."""
    if participants < MIN_PARTICIPANTS or schools < MIN_SCHOOLS or jurors < MIN_JURORS:
        raise ValueError(
            f"need at least {MIN_PARTICIPANTS} participants, {MIN_SCHOOLS} schools"
            f" and {MIN_JURORS} jurors"
        )
    start_year = today.year if today.month >= 9 else today.year - 1
    subjects = build_subjects()
    world = _World(rng, today, start_year, subjects, _build_schools(rng, schools))
    world.make_participants(participants)
    return DemoData(
        event=build_event(start_year),
        subjects=subjects,
        districts=build_districts(),
        schools=tuple(world.schools),
        participants=tuple(world.pupils),
        jurors=_build_jurors(world, jurors),
    )


def build_event(start_year: int) -> DemoEvent:
    """The event of the academic year that starts in September of ``start_year``."""
    kk, ru, en = (t.format(span=f"{start_year}–{start_year + 1}") for t in names.EVENT_TITLES)
    return DemoEvent(kk, ru, en, "subject_olympiad", "regional", f"{start_year}-{start_year + 1}")


def build_subjects() -> tuple[DemoSubject, ...]:
    def task(number: int, row: names.TaskRow) -> DemoTask:
        title_kk, title_ru, criteria = row
        nfc_criteria = tuple((names.nfc(text), points) for text, points in criteria)
        total = sum(points for _, points in criteria)
        return DemoTask(number, names.nfc(title_kk), names.nfc(title_ru), total, nfc_criteria)

    return tuple(
        DemoSubject(code, names.nfc(kk), names.nfc(ru), en, lo, hi,
                    tuple(task(n, row) for n, row in enumerate(tasks, start=1)))
        for code, kk, ru, en, lo, hi, tasks in names.SUBJECTS
    )  # fmt: skip


def build_districts() -> tuple[DemoDistrict, ...]:
    return tuple(DemoDistrict(key, kk, ru, None) for key, kk, ru, _, _ in names.DISTRICTS)


# --- people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Adult:
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    sex: str

    @property
    def full_name(self) -> str:
        return names.join(self.surname, self.given_name, self.patronymic)


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


@dataclass
class _World:
    """Generation state: the rng, issued IINs, schools, their coaches and the participants."""

    rng: random.Random
    today: date
    start_year: int
    subjects: tuple[DemoSubject, ...]
    schools: list[DemoSchool]
    coaches: dict[tuple[str, str], list[_Adult]] = field(default_factory=dict)
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

    def adult(self, sex: str | None = None, family: names.Family | None = None) -> _Adult:
        rng = self.rng
        sex = sex or ("F" if rng.random() < 0.7 else "M")  # most teachers are women
        family = family or names.family(rng, rng.random() < 0.2)
        year = self.start_year
        birth = _random_day(rng, date(year - 60, 1, 1), date(year - 26, 12, 31))
        grandfather = rng.choice(names.fathers(family, elder=True))
        return _Adult(
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
            birth = _random_day(rng, first_day, date(first_day.year + 1, 9, 1))
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


# --- schools ----------------------------------------------------------------------------------


def _allocate(total: int) -> list[int]:
    """Schools per district: one each, the rest by district size (largest remainder)."""
    weights = [row[3] - 1 for row in names.DISTRICTS]
    extra = total - len(weights)
    shares = [extra * w / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: extra - sum(counts)]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _bin(rng: random.Random, used: set[str]) -> str:
    """A generated business identification number (same check digit rule as the IIN)."""
    while True:
        first = f"{rng.randint(96, 115) % 100:02d}{rng.randint(1, 12):02d}"
        first += f"40{rng.randrange(100_000):05d}"
        check = check_digit(first)
        if check is not None and f"{first}{check}" not in used:
            used.add(f"{first}{check}")
            return f"{first}{check}"


def _build_schools(rng: random.Random, total: int) -> list[DemoSchool]:
    numbers = rng.sample(range(1, max(100, 3 * total)), total)  # unique numbers: unique names
    result: list[DemoSchool] = []
    bins: set[str] = set()
    for (key, _, _, _, places), count in zip(names.DISTRICTS, _allocate(total), strict=True):
        for index in range(count):
            patron = ("", "")
            if index == 0 and count >= 4:
                template = names.SCHOOL_LYCEUM
            elif index == 1 and count >= 3 and rng.random() < 0.6:
                template = names.SCHOOL_GYMNASIUM
            elif rng.random() < 0.35:
                template, patron = names.SCHOOL_NAMED, rng.choice(names.SCHOOL_PATRONS)
            else:
                template = names.SCHOOL_PLAIN
            n = numbers[len(result)]
            kk, ru = (t.format(n=n, patron=p) for t, p in zip(template, patron, strict=True))
            if index == 0 or rng.random() < 0.7:
                place_kk, place_ru, town = places[0] if index == 0 else rng.choice(places)
                where = names.TOWN if town else names.VILLAGE
                kk, ru = kk + where[0].format(place=place_kk), ru + where[1].format(place=place_ru)
            bin_ = _bin(rng, bins) if rng.random() < 0.8 else None
            result.append(DemoSchool(f"S{len(result) + 1:03d}", kk, ru, key, bin_))
    return result


# --- jurors -----------------------------------------------------------------------------------


@dataclass
class _Draft:
    person: _Adult
    kind: str
    organisation: str
    school_key: str | None
    district_key: str
    subjects: list[str]
    relations: list[DemoRelation] = field(default_factory=list)
    planted: bool = False  # carries a deliberate conflict, declared or hidden
    signed: bool = True


def _build_jurors(world: _World, total: int) -> tuple[DemoJuror, ...]:
    """Jurors, with a few planted conflicts of interest for the checks to find."""
    rng, pupils = world.rng, world.pupils
    taken: set[str] = set()  # participants already tied to a juror
    drafts: list[_Draft] = []

    def pick(codes: tuple[str, ...] = ()) -> int:
        index = rng.choice(
            [i for i, p in enumerate(pupils) if p.iin not in taken and p.subject_code in codes]
        )
        taken.add(pupils[index].iin)
        return index

    def teacher(person: _Adult, school_key: str, subjects: list[str]) -> _Draft:
        school = next(s for s in world.schools if s.key == school_key)
        draft = _Draft(person, "school", school.name_kk, school.key, school.district_key, [])
        draft.subjects, draft.planted = subjects, bool(subjects)
        return draft

    def tie(draft: _Draft, kind: str, pupil: DemoParticipant, note: str) -> None:
        draft.relations.append(DemoRelation(kind, pupil.iin, pupil.full_name, note))

    def near(pupil: DemoParticipant) -> str:
        district = world.district_of(pupil.school_key)
        return rng.choice([s.key for s in world.schools if s.district_key == district])

    codes = tuple(s.code for s in world.subjects)
    # Coaches on the jury: two declare their own pupils, one does not.
    coached = [
        (coach, school_key, code, mine)
        for (school_key, code), team in world.coaches.items()
        for coach in team
        if (mine := [p for p in pupils if p.school_key == school_key and p.subject_code == code
                     and p.supervisor == coach.full_name])
    ]  # fmt: skip
    for n, (coach, school_key, code, mine) in enumerate(rng.sample(coached, min(3, len(coached)))):
        drafts.append(teacher(coach, school_key, [code]))
        for pupil in mine[:2] if n < 2 else ():
            taken.add(pupil.iin)
            tie(drafts[-1], "own_pupil", pupil, names.NOTE_OWN_PUPIL)
    # Kin in the same district: same surname declared, same surname silent, a sister's child.
    for how in ("brother", "silent", "sister"):
        index = pick(codes)
        pupil = pupils[index]
        if how == "sister":
            person = world.adult()
            while person.surname == pupil.surname:
                person = world.adult()
        else:
            person = world.adult(sex=pupil.sex, family=world.families[index])
        drafts.append(teacher(person, near(pupil), [pupil.subject_code]))
        if how == "brother":
            tie(drafts[-1], "relative", pupil, names.NOTE_BROTHERS_CHILD[pupil.sex])
        elif how == "sister":
            tie(drafts[-1], "relative", pupil, names.NOTE_SISTERS_CHILD[person.sex, pupil.sex])
    # A university lecturer who supervised a participant's research project.
    pupil = pupils[pick(tuple(c for c in codes if c in ("PHYS", "CHEM", "BIO", "INF")) or codes)]
    draft = _Draft(world.adult(), "university", names.UNIVERSITIES[0], None,
                   rng.choice(("D01", "D02")), [pupil.subject_code], planted=True)  # fmt: skip
    tie(draft, "supervised_project", pupil, names.NOTE_PROJECT.format(year=world.start_year - 1))
    drafts.append(draft)
    # Relatives who are not participants: an own child (with an IIN) and a spouse's nephew.
    family = names.family(rng, rng.random() < 0.2)
    draft = teacher(world.adult(family=family), rng.choice(world.schools).key, [])
    sex = rng.choice("MF")
    born = date(world.start_year - 16, 9, 2)
    child_iin = world.new_iin(_random_day(rng, born, date(born.year + 1, 9, 1)), sex)
    known = {(p.surname, p.given_name) for p in pupils}

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
    drafts.append(draft)
    # Everyone else: teachers of demo schools, university lecturers, methodologists.
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
            drafts.append(teacher(world.adult(), rng.choice(world.schools).key, []))
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

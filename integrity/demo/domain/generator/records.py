"""What the demo generator produces: plain records, in the shape the importers and services take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from integrity.demo.domain import names


@dataclass(frozen=True)
class DemoTask:
    number: int
    title_kk: str
    title_ru: str
    max_points: int
    criteria: tuple[tuple[str, int], ...]  # (description in Kazakh, points); sum == max_points
    criteria_ru: tuple[str, ...] = ()  # the same criteria's wording in Russian, in order


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

"""The generated demo event: counts, determinism and realistic, consistent content."""

from __future__ import annotations

import ast
import dataclasses
import random
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.demo.domain import generator, names
from integrity.demo.domain.generator import DemoData, DemoJuror, DemoParticipant, generate
from integrity.registry.domain.iin import parse_iin

TODAY = date(2026, 11, 22)
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
BOYS = set(names.KAZAKH_BOYS) | set(names.RUSSIAN_BOYS)
GIRLS = set(names.KAZAKH_GIRLS) | set(names.RUSSIAN_GIRLS)


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(random.Random(2026))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _family_key(surname: str) -> str:
    """The same key for the masculine and feminine forms of one surname."""
    if surname.endswith(("ова", "ева", "ёва", "ина")):
        return surname[:-1]
    if surname.endswith("қызы"):
        return surname[: -len("қызы")] + "ұлы"
    return surname


def _surname_sex(surname: str) -> str | None:
    if surname.endswith(("ова", "ева", "ёва", "ина", "қызы")):
        return "F"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ұлы")):
        return "M"
    return None  # Ким, Ли, Шевченко: the same for both sexes


def _patronymic_sex(patronymic: str) -> str:
    if patronymic.endswith(("қызы", "вна")):
        return "F"
    assert patronymic.endswith(("ұлы", "вич")), patronymic
    return "M"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _check_invariants(demo: DemoData) -> None:
    """What must hold for any seed and size."""
    subjects = {s.code: s for s in demo.subjects}
    districts = {d.key for d in demo.districts}
    schools = {s.key: s for s in demo.schools}
    pupils = {p.iin: p for p in demo.participants}
    iins = [p.iin for p in demo.participants] + [j.iin for j in demo.jurors]
    assert len(set(iins)) == len(iins)
    for iin in iins:
        parse_iin(iin)
    assert all(s.district_key in districts for s in demo.schools)
    assert districts == {s.district_key for s in demo.schools}
    for p in demo.participants:
        subject = subjects[p.subject_code]
        assert subject.grade_min <= p.grade <= subject.grade_max
        assert p.school_key in schools
        assert parse_iin(p.iin).sex == p.sex
    per_subject = Counter(code for j in demo.jurors for code in j.subject_codes)
    assert set(per_subject) == set(subjects)
    assert min(per_subject.values()) >= 4
    for j in demo.jurors:
        assert 1 <= len(j.subject_codes) <= 2
        assert len(set(j.subject_codes)) == len(j.subject_codes)
        assert j.district_key in districts
        for relation in j.relations:
            if relation.iin in pupils:
                assert relation.full_name == pupils[relation.iin].full_name
                assert pupils[relation.iin].subject_code in j.subject_codes
    linked = [r for j in demo.jurors for r in j.relations if r.iin in pupils]
    assert len(linked) >= 3


def test_the_default_event_has_the_requested_numbers_of_everything(data: DemoData) -> None:
    assert len(data.participants) == 600
    assert len(data.schools) == 40
    assert len(data.jurors) == 30
    assert len(data.districts) == 10
    assert {"MATH", "PHYS", "CHEM", "BIO", "INF", "KAZ"} <= {s.code for s in data.subjects}


def test_the_event_is_the_regional_stage_for_the_current_academic_year(data: DemoData) -> None:
    event = data.event
    assert (event.kind, event.stage, event.academic_year) == (
        "subject_olympiad",
        "regional",
        "2026-2027",
    )
    assert "облыстық кезеңі" in event.title_kk
    assert "2026–2027" in event.title_kk
    assert "Областной этап" in event.title_ru
    assert "Regional stage" in event.title_en
    spring = generate(random.Random(1), today=date(2027, 3, 1)).event
    assert spring.academic_year == "2026-2027"


def test_the_same_seed_gives_the_same_event_and_another_seed_a_different_one() -> None:
    first = generate(random.Random(7))
    random.seed(12345)  # the global generator must not matter
    assert generate(random.Random(7)) == first
    other = generate(random.Random(8))
    assert other.participants != first.participants
    assert other.jurors != first.jurors
    assert other.schools != first.schools


def test_invariants_hold_for_the_default_event(data: DemoData) -> None:
    _check_invariants(data)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    participants=st.integers(min_value=60, max_value=250),
    schools=st.integers(min_value=10, max_value=60),
    jurors=st.integers(min_value=15, max_value=45),
)
def test_invariants_hold_for_any_seed_and_size(
    seed: int, participants: int, schools: int, jurors: int
) -> None:
    demo = generate(random.Random(seed), participants=participants, schools=schools, jurors=jurors)
    assert (len(demo.participants), len(demo.schools), len(demo.jurors)) == (
        participants,
        schools,
        jurors,
    )
    _check_invariants(demo)


def test_too_small_an_event_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(random.Random(1), jurors=5)
    with pytest.raises(ValueError, match="at least"):
        generate(random.Random(1), schools=3)


def test_every_participant_has_a_valid_unique_iin_matching_sex_and_grade(data: DemoData) -> None:
    nominal = 0
    for p in data.participants:
        parsed = parse_iin(p.iin)
        assert parsed.sex == p.sex
        age = _age(parsed.birth_date, TODAY)
        assert p.grade + 4 <= age <= p.grade + 7, (p, age)
        nominal += p.grade + 5 <= age <= p.grade + 6
        if p.grade == 9 and p.grade + 5 <= age <= p.grade + 6:
            assert age in (14, 15)
    assert nominal >= 0.9 * len(data.participants)
    assert len({p.iin for p in data.participants}) == len(data.participants)


def test_given_name_surname_and_patronymic_agree_with_the_participants_sex(
    data: DemoData,
) -> None:
    assert not BOYS & GIRLS
    for p in data.participants:
        assert p.given_name in (BOYS if p.sex == "M" else GIRLS), p
        assert _surname_sex(p.surname) in (None, p.sex), p
        if p.patronymic is not None:
            assert _patronymic_sex(p.patronymic) == p.sex, p


def test_names_use_kazakh_letters_and_both_surname_styles(data: DemoData) -> None:
    surnames = [p.surname for p in data.participants]
    text = " ".join(p.full_name for p in data.participants)
    assert len(KAZAKH_LETTERS & set(text)) >= 6
    assert any(s.endswith(("ұлы", "қызы")) for s in surnames)
    assert any(s.endswith(("ов", "ова", "ев", "ева")) for s in surnames)
    patronymics = [p.patronymic or "" for p in data.participants]
    assert any(x.endswith(("ович", "овна", "евич", "евна")) for x in patronymics)
    assert any(x.endswith(("ұлы", "қызы")) for x in patronymics)
    russian = [p for p in data.participants if p.given_name in set(names.RUSSIAN_BOYS)
               | set(names.RUSSIAN_GIRLS)]  # fmt: skip
    assert 0.1 * len(data.participants) <= len(russian) <= 0.3 * len(data.participants)


def test_all_text_is_nfc_normalised(data: DemoData) -> None:
    texts = _strings(data)
    assert len(texts) > 5000
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_each_task_has_kazakh_criteria_summing_to_its_maximum(data: DemoData) -> None:
    for subject in data.subjects:
        assert 3 <= len(subject.tasks) <= 5, subject.code
        assert (subject.grade_min, subject.grade_max) in ((9, 11), (7, 11))
        assert [t.number for t in subject.tasks] == list(range(1, len(subject.tasks) + 1))
        for task in subject.tasks:
            assert 2 <= len(task.criteria) <= 4
            assert sum(points for _, points in task.criteria) == task.max_points
            assert all(points > 0 and text for text, points in task.criteria)
    kazakh = " ".join(text for s in data.subjects for t in s.tasks for text, _ in t.criteria)
    assert KAZAKH_LETTERS & set(kazakh)


def test_schools_are_unique_and_spread_over_existing_districts(data: DemoData) -> None:
    districts = {d.key for d in data.districts}
    assert [d.key for d in data.districts] == [f"D{n:02d}" for n in range(1, 11)]
    assert [s.key for s in data.schools] == [f"S{n:03d}" for n in range(1, 41)]
    assert len({s.name_kk for s in data.schools}) == 40
    assert len({s.name_ru for s in data.schools}) == 40
    per_district = Counter(s.district_key for s in data.schools)
    assert set(per_district) == districts
    assert max(per_district.values()) >= 5
    assert any("лицей" in s.name_kk for s in data.schools)
    bins = [s.bin for s in data.schools if s.bin is not None]
    assert bins
    assert len(set(bins)) == len(bins)
    assert all(len(b) == 12 and b.isdigit() for b in bins)


def test_consent_is_given_weeks_ahead_by_a_guardian_of_the_same_family(data: DemoData) -> None:
    for p in data.participants:
        assert 7 <= (TODAY - p.consent_date).days <= 60
        assert _family_key(p.consent_by.split()[0]) == _family_key(p.surname), p
    public = sum(p.consent_public for p in data.participants)
    assert 0.8 * len(data.participants) <= public < len(data.participants)


def test_supervisors_are_teachers_whose_names_repeat(data: DemoData) -> None:
    supervisors = Counter(p.supervisor for p in data.participants if p.supervisor)
    assert 0.7 * len(data.participants) <= sum(supervisors.values()) < len(data.participants)
    assert max(supervisors.values()) >= 3
    assert len(supervisors) < len(data.participants) / 1.5


def test_jurors_come_from_schools_universities_and_elsewhere(data: DemoData) -> None:
    schools = {s.key: s for s in data.schools}
    kinds = Counter(j.organisation_kind for j in data.jurors)
    assert set(kinds) == {"school", "university", "other"}
    assert kinds["school"] >= 20
    for j in data.jurors:
        if j.organisation_kind == "school":
            assert j.school_key is not None
            assert schools[j.school_key].district_key == j.district_key
            assert j.organisation == schools[j.school_key].name_kk
        else:
            assert j.school_key is None
    assert any("Дулати" in j.organisation for j in data.jurors)
    assert [j.key for j in data.jurors] == [f"J{n:02d}" for n in range(1, 31)]


def test_most_but_not_all_jurors_signed_the_declaration(data: DemoData) -> None:
    signed = sum(j.declaration_signed for j in data.jurors)
    assert 24 <= signed <= 28
    assert all(j.declaration_signed for j in data.jurors if j.relations)


def test_declared_relations_point_at_real_participants_and_outsiders(data: DemoData) -> None:
    pupils = {p.iin: p for p in data.participants}
    relations = [(j, r) for j in data.jurors for r in j.relations]
    linked = [(j, r) for j, r in relations if r.iin in pupils]
    assert len(linked) >= 3
    assert {r.kind for _, r in linked} >= {"relative", "own_pupil", "supervised_project"}
    for juror, relation in linked:
        pupil = pupils[relation.iin or ""]
        assert relation.full_name == pupil.full_name
        assert relation.note
        if relation.kind == "own_pupil":
            assert pupil.school_key == juror.school_key
            assert pupil.supervisor == juror.full_name
    names_in_event = {(p.surname, p.given_name) for p in data.participants}
    outsiders = [r for _, r in relations if r.iin not in pupils]
    assert outsiders
    assert all(tuple(r.full_name.split()[:2]) not in names_in_event for r in outsiders)
    for r in outsiders:
        if r.iin is not None:
            parse_iin(r.iin)


def test_some_jurors_share_a_surname_with_a_participant_of_their_district(
    data: DemoData,
) -> None:
    district_of = {s.key: s.district_key for s in data.schools}
    pairs = {(p.surname, district_of[p.school_key]) for p in data.participants}
    sharing: list[DemoJuror] = [j for j in data.jurors if (j.surname, j.district_key) in pairs]
    assert len(sharing) >= 2


def test_some_coaches_on_the_jury_did_not_declare_their_pupils(data: DemoData) -> None:
    def pupils_of(juror: DemoJuror) -> list[DemoParticipant]:
        return [p for p in data.participants if p.supervisor == juror.full_name
                and p.school_key == juror.school_key]  # fmt: skip

    coaches = [j for j in data.jurors if pupils_of(j)]
    assert any(not j.relations for j in coaches)
    assert any(r.kind == "own_pupil" for j in coaches for r in j.relations)


def test_the_generator_imports_only_the_standard_library_and_the_iin_module() -> None:
    allowed = {"__future__", "random", "dataclasses", "datetime", "unicodedata"}
    allowed |= {"integrity.demo.domain", "integrity.registry.domain.iin"}
    own = "integrity.demo.domain."  # the demo's other pure modules
    for module in (generator, names):  # packages: every module in them
        for path in sorted(Path(str(module.__file__)).parent.glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    assert {a.name for a in node.names} <= allowed
                elif isinstance(node, ast.ImportFrom):
                    assert node.module in allowed or str(node.module).startswith(own), path


def test_each_demo_criterion_has_its_russian_wording(data: DemoData) -> None:
    for subject in data.subjects:
        for task in subject.tasks:
            assert len(task.criteria_ru) == len(task.criteria)
            assert all(ru for ru in task.criteria_ru)
    assert data.subjects[0].tasks[0].criteria_ru[0] == "Приведение системы к удобному виду"

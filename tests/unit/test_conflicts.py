"""Conflicts of interest from registry facts (integrity/jury/domain/conflicts.py)."""

from __future__ import annotations

import pytest

from integrity.jury.domain.conflicts import (
    Conflict,
    EntryFacts,
    JurorFacts,
    Reason,
    find_conflicts,
    supervisor_match,
    surname_stem,
)

JUROR = JurorFacts(
    id=1,
    surname="Ахметова",
    given_name="Гүлнар",
    patronymic="Серікқызы",
    school_id=10,
    district_id=100,
)


def entry(
    entry_id: int = 7,
    *,
    surname: str = "Бекова",
    school_id: int = 20,
    district_id: int = 200,
    supervisor: str | None = None,
    iin: str = "100101500017",
) -> EntryFacts:
    return EntryFacts(
        entry_id=entry_id,
        iin=iin,
        surname=surname,
        given_name="Айя",
        patronymic=None,
        school_id=school_id,
        district_id=district_id,
        supervisor=supervisor,
    )


@pytest.mark.parametrize(
    ("juror", "pupil", "same_district", "expected"),
    [
        (JUROR, entry(), False, None),
        (JUROR, entry(school_id=10, district_id=100), False, (Reason.SAME_SCHOOL,)),
        (JUROR, entry(district_id=100), False, None),
        (JUROR, entry(district_id=100), True, (Reason.SAME_DISTRICT,)),
        (
            JurorFacts(**{**JUROR.__dict__, "relations": (("relative", "100101500017", "X"),)}),
            entry(),
            False,
            (Reason.RELATIVE,),
        ),
        (
            JurorFacts(**{**JUROR.__dict__, "relations": (("own_pupil", "100101500017", "X"),)}),
            entry(),
            False,
            (Reason.OWN_PUPIL,),
        ),
        (
            JurorFacts(**{**JUROR.__dict__, "relations": (("relative", None, "Бекова Айя"),)}),
            entry(),
            False,
            (Reason.RELATION_BY_NAME,),
        ),
        (JUROR, entry(supervisor="Ахметова Гүлнар Серікқызы"), False, (Reason.NAMED_SUPERVISOR,)),
        (JUROR, entry(supervisor="Гүлнар АХМЕТОВА"), False, (Reason.NAMED_SUPERVISOR,)),
        (JUROR, entry(supervisor="Ахметова Г.С."), False, (Reason.SUPERVISOR_RESEMBLES,)),
        (JUROR, entry(supervisor="Ахметов Г."), False, (Reason.SUPERVISOR_RESEMBLES,)),
        (JUROR, entry(supervisor="Ахмедова Гулнар"), False, (Reason.SUPERVISOR_RESEMBLES,)),
        (JUROR, entry(supervisor="Ахметова А.Б."), False, None),
        (JUROR, entry(supervisor="Сейтқали Нұрлан"), False, None),
        # The same surname up to its gendered ending, in the same district: potential only.
        (JUROR, entry(surname="Ахметов", district_id=100), False, (Reason.SURNAME_IN_DISTRICT,)),
        (JUROR, entry(surname="Ахметов"), False, None),
        # A hard reason makes the potential ones moot.
        (
            JUROR,
            entry(surname="Ахметов", school_id=10, district_id=100),
            True,
            (Reason.SAME_DISTRICT, Reason.SAME_SCHOOL),
        ),
    ],
)
def test_conflicts_follow_the_registry_facts(
    juror: JurorFacts, pupil: EntryFacts, same_district: bool, expected: tuple[Reason, ...] | None
) -> None:
    found = find_conflicts([juror], [pupil], same_district=same_district)
    if expected is None:
        assert found == []
    else:
        assert found == [Conflict(juror.id, pupil.entry_id, expected)]
        potential = set(expected) <= {
            Reason.SURNAME_IN_DISTRICT,
            Reason.SUPERVISOR_RESEMBLES,
            Reason.RELATION_BY_NAME,
        }
        assert found[0].hard is not potential


@pytest.mark.parametrize(
    ("surname", "stem"),
    [("Ахметова", "ахметов"), ("Ахметов", "ахметов"), ("Жуковская", "жуковский"),
     ("Сейтқали қызы", "сейтқали ұлы"), ("Ким", "ким"), ("Нұрланова", "нұрланов")],
)  # fmt: skip
def test_a_family_shares_a_surname_stem_whatever_the_gendered_ending(
    surname: str, stem: str
) -> None:
    assert surname_stem(surname) == stem


def test_a_supervisor_field_without_letters_matches_nobody() -> None:
    assert supervisor_match(" . , ", JUROR) is None


def test_a_large_round_finds_exactly_the_same_school_pairs() -> None:
    jurors = [JurorFacts(j, f"Жюри{j:03d}ов", "Асқар", None, j % 100, j % 17) for j in range(300)]
    entries = [
        EntryFacts(e, f"{e:012d}", f"Оқушы{e:05d}ова", "Айя", None, e % 300, e % 17,
                   f"Мұғалім{e % 500:03d}ов А.")
        for e in range(10_000)
    ]  # fmt: skip
    found = find_conflicts(jurors, entries, same_district=False)
    expected = {(j.id, e.entry_id) for j in jurors for e in entries if e.school_id == j.school_id}
    assert {(c.juror_id, c.entry_id) for c in found} == expected
    assert all(c.reasons == (Reason.SAME_SCHOOL,) for c in found)

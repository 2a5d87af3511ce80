"""Each indicator on hand-built facts, and the thresholds that turn a value into a light."""

from __future__ import annotations

import datetime as dt

import pytest

from integrity.risk.domain import (
    Direction,
    Light,
    Matrix,
    Thresholds,
    no_risk_sentence,
    parse_thresholds,
)
from integrity.risk.domain import indicators as ind
from integrity.risk.domain.indicators import (
    AppealFact,
    ConflictFact,
    CriticalActionFact,
    Facts,
    MarkerFact,
    Process,
    ProtocolFact,
    ScoreChangeFact,
    VenueFact,
)

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
T0 = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


def facts(**fields: object) -> Facts:
    return Facts(period_start=START, period_end=END, **fields)  # type: ignore[arg-type]


def light(code: str, f: Facts) -> Light:
    return ind.BY_CODE[code].evaluate(f)[1]


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


SUBJECTS = {"MATH": ("Математика", "Математика", "Mathematics"), "PHYS": ("Физика", "Физика",
            "Physics"), "CHEM": ("Химия", "Химия", "Chemistry"), "BIO": ("Биология", "Биология",
            "Biology")}  # fmt: skip


def process(code: str, round_: int = 1, grade: int = 9) -> Process:
    return Process(SUBJECTS[code], round_, grade)


def test_a_protocol_published_after_its_deadline_is_late_and_the_worst_delay_is_named() -> None:
    f = facts(protocols=(
        ProtocolFact(process("MATH", 1, 9), due=T0, published=T0 - hours(1)),
        ProtocolFact(process("PHYS", 1, 10), due=T0, published=T0 + hours(30)),
        ProtocolFact(process("CHEM", 1, 11), due=T0, published=T0 + hours(2)),
        ProtocolFact(process("BIO", 1, 9), due=T0, published=T0),  # on the dot is on time
    ))  # fmt: skip
    value = ind.protocols_late(f)
    # What the number is made of is kept as numbers and said in words, the late ones listed.
    assert value.value == 50.0 and value.detail == {"n": 2, "of": 4, "hours": 30}
    late = [i.what for i in value.items if i.counted]
    assert late == [("Физика, 1-тур, 10-сынып", "Физика, тур 1, 10 класс",
                     "Physics, round 1, grade 10"),
                    ("Химия, 1-тур, 11-сынып", "Химия, тур 1, 11 класс",
                     "Chemistry, round 1, grade 11")]  # fmt: skip
    assert light("protocols_late", f) is Light.RED


def test_what_is_not_done_yet_is_judged_as_of_the_reading_not_the_periods_end() -> None:
    waiting = facts(protocols=(ProtocolFact(process("MATH"), due=T0, published=None),),
                    appeals=(AppealFact(T0, None, None),))  # fmt: skip
    early = Facts(period_start=START, period_end=END, protocols=waiting.protocols,
                  appeals=waiting.appeals, as_of=T0 + hours(1))  # fmt: skip
    assert ind.protocols_late(early).value == 100.0  # due an hour ago, still unpublished
    assert ind.appeals_late(early).value == 0.0  # filed an hour ago: not late yet
    assert ind.appeals_late(waiting).value == 1.0  # by the period's end it would be


def test_a_protocol_never_published_counts_as_late_until_the_period_ends() -> None:
    f = facts(protocols=(ProtocolFact(process("MATH"), due=T0, published=None),
                         *[ProtocolFact(process("BIO", 1, n % 12 + 1), due=T0, published=T0) for n in range(19)]))  # fmt: skip
    assert ind.protocols_late(f).value == 5.0
    assert light("protocols_late", f) is Light.AMBER  # 5 % is amber's threshold, inclusive


def test_no_protocols_means_nothing_to_measure_not_green() -> None:
    assert ind.protocols_late(facts()).value is None
    assert light("protocols_late", facts()) is Light.NONE


def test_only_changes_after_publication_that_no_appeal_explains_count() -> None:
    f = facts(score_changes=(
        ScoreChangeFact("appeal", after_publication=True),
        ScoreChangeFact("chair", after_publication=False),
        ScoreChangeFact("chair", after_publication=True),
    ))  # fmt: skip
    assert ind.score_changes_without_appeal(f).value == 1.0
    assert light("score_changes_without_appeal", f) is Light.AMBER


def test_one_unverifiable_diploma_is_red_and_none_issued_measures_nothing() -> None:
    assert (
        light("diplomas_unverifiable", facts(diplomas_issued=40, diplomas_unverifiable=1))
        is Light.RED
    )
    assert light("diplomas_unverifiable", facts(diplomas_issued=40)) is Light.GREEN
    assert light("diplomas_unverifiable", facts()) is Light.NONE


def test_detected_conflicts_inform_and_one_that_reached_marking_is_red() -> None:
    f = facts(
        conflicts=(ConflictFact(True, False), ConflictFact(True, True), ConflictFact(False, False))
    )
    assert ind.conflicts_detected(f).value == 2.0
    assert light("conflicts_detected", f) is Light.INFO  # information, not a risk in itself
    assert ind.conflicts_reached_marking(f).value == 1.0
    assert light("conflicts_reached_marking", f) is Light.RED


def test_undeclared_jurors_turn_amber_at_one_and_red_at_three() -> None:
    assert light("jurors_undeclared", facts(jurors_drawn=30, jurors_undeclared=0)) is Light.GREEN
    assert light("jurors_undeclared", facts(jurors_drawn=30, jurors_undeclared=2)) is Light.AMBER
    assert light("jurors_undeclared", facts(jurors_drawn=30, jurors_undeclared=3)) is Light.RED


def test_appeals_upheld_and_decided_late() -> None:
    f = facts(
        appeals=(
            AppealFact(T0, T0 + hours(5), "raised"),
            AppealFact(T0, T0 + hours(50), "unchanged"),
            AppealFact(T0, None, None),  # never decided: late by the period's end
            AppealFact(T0, T0 + hours(1), "lowered"),
        ),
        settings={"appeal_decision_hours": 48},
    )
    assert ind.appeals_filed(f).value == 4.0
    assert ind.appeals_upheld(f).value == pytest.approx(66.7)
    assert light("appeals_upheld", f) is Light.RED
    assert ind.appeals_late(f).value == 2.0
    assert light("appeals_late", f) is Light.AMBER


def test_marker_divergence_is_the_share_needing_a_third_marker() -> None:
    f = facts(task_scores=200, task_scores_third=36)
    assert ind.marker_divergence(f).value == 18.0
    assert light("marker_divergence", f) is Light.AMBER


def test_an_outlier_juror_is_counted_and_never_named() -> None:
    markers = tuple(MarkerFact(d, 10) for d in (0.1, -0.2, 0.0, 0.15, -0.1, 0.05, 2.5))
    value = ind.outlier_jurors(facts(markers=markers))
    assert value.value == 1.0 and value.detail == {"of": 7} and not value.items  # never who
    few = tuple(MarkerFact(d, 10) for d in (0.1, 3.0, 0.0))
    assert ind.outlier_jurors(facts(markers=few)).value is None  # too few to say anything
    light_ = light("outlier_jurors", facts(markers=markers))
    assert light_ is Light.AMBER


@pytest.mark.parametrize(
    ("deviations", "outliers"),
    [
        ((0.1, -0.1, 0.05, 0.0, 50.0), 1),  # one wild juror in a small jury
        ((0.0, 0.1, -0.1, 0.05, -0.05, 0.0, 3.0, 3.0), 2),  # two who lean together
        ((0.2, -0.1, 0.1, 0.0, -0.2, 0.15), 0),  # ordinary spread
        ((0.0, 0.0, 0.0, 0.0, 0.1), 0),  # identical jurors and a tenth of a point
    ],
)
def test_outliers_are_found_in_small_juries_and_in_pairs(
    deviations: tuple[float, ...], outliers: int
) -> None:
    markers = tuple(MarkerFact(d, 10) for d in deviations)
    assert ind.outlier_jurors(facts(markers=markers)).value == float(outliers)


def test_pages_by_hand_and_discarded_are_shares_of_the_scanned_pages() -> None:
    f = facts(pages=1000, pages_by_hand=160, pages_discarded=20)
    assert ind.pages_by_hand(f).value == 16.0 and light("pages_by_hand", f) is Light.RED
    assert ind.pages_discarded(f).value == 2.0 and light("pages_discarded", f) is Light.AMBER


def test_critical_actions_done_alone_are_counted_by_kind() -> None:
    f = facts(critical_actions=(
        CriticalActionFact("unseal", second_person=False),
        CriticalActionFact("diploma_batch", second_person=True),
        CriticalActionFact("score_change_after_freeze", second_person=False),
    ))  # fmt: skip
    value = ind.critical_alone(f)
    assert value.value == 2.0 and value.detail == {"score_change_after_freeze": 1, "unseal": 1}


def test_the_worst_venue_for_disqualifications_is_a_place() -> None:
    f = facts(
        venues=(VenueFact("Тараз №5", 100, 2), VenueFact("Қордай", 40, 4), VenueFact("Small", 5, 5))
    )
    value = ind.disqualifications_per_venue(f)
    assert value.value == 10.0 and value.detail["venue"] == "Қордай"  # tiny venues left out
    assert light("disqualifications_per_venue", f) is Light.RED


def test_a_broken_audit_chain_is_red() -> None:
    assert light("audit_chain", facts(chain_ok=False)) is Light.RED
    assert light("audit_chain", facts()) is Light.GREEN


def test_thresholds_can_be_overridden_and_unknown_codes_are_refused() -> None:
    f = facts(task_scores=100, task_scores_third=18)
    (reading,) = [r for r in ind.evaluate_all(f, {"marker_divergence": (20, 40)})
                  if r.indicator.code == "marker_divergence"]  # fmt: skip
    assert reading.light is Light.GREEN
    with pytest.raises(ValueError, match="nonsense"):
        ind.evaluate_all(f, {"nonsense": (1, 2)})
    assert parse_thresholds("marker_divergence=20/40; appeals_late = 2/5") == {
        "marker_divergence": (20.0, 40.0), "appeals_late": (2.0, 5.0)}  # fmt: skip
    with pytest.raises(ValueError, match="appeals_late=2"):
        parse_thresholds("appeals_late=2")


def test_thresholds_where_less_is_worse_turn_round() -> None:
    t = Thresholds(amber=90, red=70, higher_is_worse=False)
    assert [t.light(v) for v in (95, 90, 80, 70, 10)] == [
        Light.GREEN, Light.AMBER, Light.AMBER, Light.RED, Light.RED]  # fmt: skip


def test_every_indicator_has_three_names_a_unit_and_a_direction() -> None:
    codes = [i.code for i in ind.REGISTRY]
    assert len(codes) == len(set(codes)) >= 15
    for i in ind.REGISTRY:
        assert all(i.names) and i.unit in ("%", "count") and isinstance(i.direction, Direction)
        assert i.compute(facts()).value is None or i.compute(facts()).value == 0.0


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (1, 1, "low"),
        (1, 4, "low"),
        (1, 5, "medium"),
        (2, 3, "medium"),
        (3, 4, "high"),
        (5, 5, "high"),
    ],
)
def test_the_default_matrix_bands_likelihood_times_impact(
    likelihood: int, impact: int, level: str
) -> None:
    assert Matrix().level(likelihood, impact) == level


def test_the_matrix_refuses_values_off_its_scale() -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        Matrix().level(6, 1)
    with pytest.raises(ValueError, match="medium < high"):
        Matrix(size=3, medium_from=4, high_from=12)


def test_a_direction_without_risks_gets_the_centres_own_sentence() -> None:
    kk = no_risk_sentence(Direction.INFORMATION_SYSTEMS, "kk")
    assert (
        kk
        == "Ақпараттық жүйелерді әзірлеу және пайдалану бағыты бойынша сыбайлас жемқорлық тәуекелдері анықталған жоқ."
    )
    assert no_risk_sentence(Direction.PERMITS, "ru") == (
        "По направлению «Реализация разрешительных функций» коррупционные риски не выявлены.")  # fmt: skip


def test_a_share_of_fewer_things_than_the_minimum_is_too_few_to_judge_not_red() -> None:
    one_of_one = facts(appeals=(AppealFact(T0, T0 + hours(2), "raised", process("CHEM", 1, 11)),))
    upheld = ind.BY_CODE["appeals_upheld"]
    value, light_ = upheld.evaluate(one_of_one, min_count=5)
    assert value.value == 100.0 and value.base == 1 and light_ is Light.FEW
    assert upheld.evaluate(one_of_one, min_count=1)[1] is Light.RED
    # The drill-down lists the appeal behind the number, counted, in words.
    (item,) = value.items
    assert (
        item.counted and item.what[1] == "Химия, тур 1, 11 класс" and item.note[1] == "балл повышен"
    )
    lights = {r.indicator.code: r.light for r in ind.evaluate_all(one_of_one, min_count=5)}
    assert lights["appeals_upheld"] is Light.FEW
    assert lights["appeals_filed"] is Light.INFO  # a count for information is not "no data"
    assert lights["protocols_late"] is Light.NONE  # nothing measured: no data


def test_values_and_details_read_in_words_in_kazakh_and_russian_with_no_codes() -> None:
    from integrity.risk.domain import wording

    parts = {"n": 3, "of": 8, "hours": 30}
    assert wording.detail("protocols_late", parts, "kk") == (
        "кешіккені: 8 ішінен 3; ең ұзақ кешігу — 30\u00a0сағат"
    )
    assert wording.detail("protocols_late", parts, "ru") == (
        "с опозданием: 3 из 8; наибольшая задержка — 30\u00a0часов"
    )
    assert [wording.hours_text(n, "ru") for n in (1, 3, 11, 22, 48)] == [
        "1\u00a0час", "3\u00a0часа", "11\u00a0часов", "22\u00a0часа", "48\u00a0часов"
    ]  # fmt: skip
    assert wording.value_text(37.5, "%", "ru") == "37,5\u00a0%"
    assert wording.value_text(35.0, "%", "kk") == "35\u00a0%"  # the previous period too
    assert wording.detail("critical_alone", {"unseal": 1}, "kk") == "шифрды ашу: 1"
    for indicator in ind.REGISTRY:
        for lang in ("kk", "ru"):
            text = wording.definition(indicator.code, lang, protocol_hours=72, appeal_hours=48)
            assert "RISK_" not in text and "{" not in text
            assert not any("a" <= c.lower() <= "z" for c in text.replace("QR", "")), text
    assert "72\u00a0сағат" in wording.definition("protocols_late", "kk", protocol_hours=72,
                                                 appeal_hours=48)  # fmt: skip

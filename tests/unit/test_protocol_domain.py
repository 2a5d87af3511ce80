"""Ranking and prize quotas (integrity/protocols/domain.py): tables for rounding and ties."""

from __future__ import annotations

import pytest

from integrity.protocols.domain import Award, Policy, award, rank

D1, D2, D3 = Award.FIRST, Award.SECOND, Award.THIRD


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    placed = rank([("a", 50), ("b", 70), ("c", 70), ("d", 10), ("e", 50), ("f", 90)])
    assert [(p.key, p.rank) for p in placed] == [
        ("f", 1), ("b", 2), ("c", 2), ("a", 4), ("e", 4), ("d", 6),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("participants", "quotas"),
    [
        (1, (0, 0, 0)),
        (2, (0, 0, 0)),  # 45% of 2 is 0.9: at most 0 winners
        (3, (0, 1, 0)),  # one winner: 20% of 1 rounds to 0, 50% to 1
        (10, (1, 1, 2)),  # W = 4: I up to 0.8 → 1, II up to 2.0 → 2
        (20, (2, 3, 4)),  # W = 9: I up to 1.8 → 2, II up to 4.5 → 5 (half up)
        (100, (9, 14, 22)),  # W = 45: 9, 22.5 → 23
        (101, (9, 14, 22)),  # W = 45 still (45.45 rounded down)
        (112, (10, 15, 25)),  # W = 50 exactly: 10, 25
    ],
)
def test_the_default_quota_is_45_percent_split_20_30_50(
    participants: int, quotas: tuple[int, int, int]
) -> None:
    scores = [(n, 1000 - n) for n in range(participants)]  # no ties
    result = award(rank(scores), Policy())
    assert result.quotas == quotas
    given = tuple(sum(1 for p in result.placed if p.award is d) for d in (D1, D2, D3))
    assert given == quotas and result.overflow == {}


def test_everyone_tied_at_a_cut_off_gets_the_same_award_and_the_overflow_is_stated() -> None:
    # 20 participants: quotas I 2, II 3, III 4. Places 2 and 3 tie at the I cut-off.
    scores = [(n, 100 - n) for n in range(20)]
    scores[2] = (2, scores[1][1])
    result = award(rank(scores), Policy())
    by_key = {p.key: p.award for p in result.placed}
    assert [by_key[n] for n in range(6)] == [D1, D1, D1, D2, D2, D3]
    assert result.overflow == {D1: 1}
    # A tie across the last cut-off: all tied get III, beyond the 9 winners.
    scores = [(n, 100 - n) for n in range(20)]
    for n in (9, 10):
        scores[n] = (n, scores[8][1])  # places 9, 10 and 11 share rank 9
    result = award(rank(scores), Policy())
    assert sum(1 for p in result.placed if p.award) == 11
    assert result.overflow == {D3: 2}


def test_a_zero_score_wins_nothing_whatever_the_quota() -> None:
    result = award(rank([(n, 0) for n in range(20)]), Policy())
    assert all(p.award is None for p in result.placed)
    assert {p.rank for p in result.placed} == {1}


def test_fixed_counts_thresholds_and_none_are_policies_too() -> None:
    scores = [(n, 600 - 60 * n) for n in range(10)]  # 10, 9, …, 1 points
    counts = award(rank(scores), Policy.from_config({"kind": "counts", "counts": [1, 2, 3]}))
    assert [p.award for p in counts.placed][:7] == [D1, D2, D2, D3, D3, D3, None]
    thresholds = award(
        rank(scores), Policy.from_config({"kind": "thresholds", "thresholds": [540, 420, None]})
    )
    assert [p.award for p in thresholds.placed][:4] == [D1, D1, D2, D2]
    assert thresholds.quotas is None and all(p.award is None for p in thresholds.placed[4:])
    nothing = award(rank(scores), Policy.from_config({"kind": "none"}))
    assert all(p.award is None for p in nothing.placed)


@pytest.mark.parametrize(
    "config",
    [
        {"kind": "lottery"},
        {"split": [20, 30, 40]},
        {"kind": "counts", "counts": [1, -1, 0]},
        {"winners_percent": 145},
    ],
)
def test_a_malformed_policy_is_refused(config: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        Policy.from_config(config)

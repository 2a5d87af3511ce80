"""Ranking and prize policies. Pure.

Scores are integers (sixtieths of a point, as the jury keeps them), so equality is exact. Ranks are
"standard competition" ranks: equal scores share a rank and the next rank skips (1, 2, 2, 4).

Prize policies decide I, II and III degree awards from the ranks:

- ``quota`` (the default, the Kazakh republican rules): winners at most 45% of the ranked
  participants, split I:II:III = 20:30:50. The quotas are cumulative cut-offs, each rounded half
  up: I up to position c1 = ⌊0.20·W + ½⌋, II up to c2 = ⌊0.50·W + ½⌋, III up to W = ⌊0.45·N⌋. A
  participant whose rank is within a cut-off gets that award, so everyone tied at a cut-off gets the
  same award; the awards given beyond a quota are the overflow, which the protocol states.
- ``counts``: fixed numbers of I, II and III awards, cut the same way.
- ``thresholds``: a minimum score for each degree.
- ``none``: a ranked protocol without awards.

Under every policy an award needs a score above zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

K = TypeVar("K")


class Award(StrEnum):
    FIRST = "I"
    SECOND = "II"
    THIRD = "III"


DEGREES = (Award.FIRST, Award.SECOND, Award.THIRD)


@dataclass(frozen=True)
class Placed(Generic[K]):
    key: K
    score: int
    rank: int
    award: Award | None = None


def rank(scores: Sequence[tuple[K, int]]) -> list[Placed[K]]:
    """Competition ranks, best first; ties keep their input order (callers sort ties by cipher
    or by name, so the order is stable and nobody is favoured)."""
    ordered = sorted(enumerate(scores), key=lambda item: (-item[1][1], item[0]))
    placed: list[Placed[K]] = []
    for position, (_, (key, score)) in enumerate(ordered, start=1):
        if placed and placed[-1].score == score:
            placed.append(Placed(key, score, placed[-1].rank))
        else:
            placed.append(Placed(key, score, position))
    return placed


def _half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2))


@dataclass(frozen=True)
class Policy:
    """Prize policy as configured per event (stored as JSON; see ``from_config``)."""

    kind: str = "quota"  # quota | counts | thresholds | none
    winners_share: Fraction = Fraction(45, 100)
    split: tuple[int, int, int] = (20, 30, 50)
    counts: tuple[int, int, int] = (0, 0, 0)
    thresholds: tuple[int | None, int | None, int | None] = (None, None, None)  # sixtieths

    @classmethod
    def from_config(cls, config: dict[str, object] | None) -> Policy:
        if not config:
            return cls()
        kind = str(config.get("kind", "quota"))
        if kind not in ("quota", "counts", "thresholds", "none"):
            raise ValueError(f"unknown prize policy {kind!r}")
        share = config.get("winners_percent", 45)
        split = config.get("split", [20, 30, 50])
        counts = config.get("counts", [0, 0, 0])
        thresholds = config.get("thresholds", [None, None, None])
        if not (isinstance(split, list) and len(split) == 3 and sum(split) == 100):
            raise ValueError("split must be three shares adding up to 100")
        if not (isinstance(counts, list) and len(counts) == 3 and min(counts) >= 0):
            raise ValueError("counts must be three whole numbers")
        if not (isinstance(thresholds, list) and len(thresholds) == 3):
            raise ValueError("thresholds must be three scores (or null)")
        if not isinstance(share, int | float) or not 0 <= share <= 100:
            raise ValueError("winners_percent must be between 0 and 100")
        return cls(
            kind=kind,
            winners_share=Fraction(str(share)) / 100,
            split=(int(split[0]), int(split[1]), int(split[2])),
            counts=(int(counts[0]), int(counts[1]), int(counts[2])),
            thresholds=(thresholds[0], thresholds[1], thresholds[2]),
        )

    def quotas(self, ranked: int) -> tuple[int, int, int] | None:
        """The cumulative cut-offs (c1, c2, c3) for ``ranked`` participants, or None when the
        policy does not cut by position."""
        if self.kind == "quota":
            winners = int(self.winners_share * ranked)  # "at most": rounded down
            c1 = _half_up(Fraction(self.split[0], 100) * winners)
            c2 = _half_up(Fraction(self.split[0] + self.split[1], 100) * winners)
            return min(c1, winners), min(max(c2, c1), winners), winners
        if self.kind == "counts":
            a, b, c = self.counts
            return a, a + b, a + b + c
        return None


@dataclass(frozen=True)
class Awarded(Generic[K]):
    placed: list[Placed[K]]
    quotas: tuple[int, int, int] | None  # per degree (not cumulative), as the policy allows
    overflow: dict[Award, int] = field(default_factory=dict)  # awards beyond each quota (ties)


def award(placed: list[Placed[K]], policy: Policy) -> Awarded[K]:
    cuts = policy.quotas(len(placed))
    result: list[Placed[K]] = []
    for p in placed:
        degree: Award | None = None
        if p.score > 0:
            if cuts is not None:
                degree = next((d for d, c in zip(DEGREES, cuts, strict=True) if p.rank <= c), None)
            elif policy.kind == "thresholds":
                degree = next(
                    (d for d, t in zip(DEGREES, policy.thresholds, strict=True)
                     if t is not None and p.score >= t),
                    None,
                )  # fmt: skip
        result.append(Placed(p.key, p.score, p.rank, degree))
    if cuts is None:
        return Awarded(result, None)
    per_degree = (cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1])
    given = {d: sum(1 for p in result if p.award is d) for d in DEGREES}
    # A tie pushes awards past a cut-off; the next degree's quota is still counted from its own
    # cut-off, so the overflow of a degree is what it gave beyond the positions it covers.
    overflow = {}
    covered_before = 0
    for degree, cut in zip(DEGREES, cuts, strict=True):
        beyond = covered_before + given[degree] - cut
        if beyond > 0:
            overflow[degree] = beyond
        covered_before += given[degree]
    return Awarded(result, per_degree, overflow)

"""Generating schools: how many a district has, their names and business numbers."""

from __future__ import annotations

import random

from integrity.demo.domain import names
from integrity.demo.domain.generator.records import DemoSchool
from integrity.registry.domain.iin import check_digit


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


def build_schools(rng: random.Random, total: int) -> list[DemoSchool]:
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

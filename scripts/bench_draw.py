"""Benchmark: the jury draw's speed on a large round and its randomness on a small one.

* speed: 10,000 works × 300 jurors, k = 2, each juror in conflict with the works of their own
  school (100 schools with jurors among 300): the time to read the manifest and draw (target
  under 10 s);
* randomness: 60 works × 12 jurors with conflicts by school, over ``--seeds`` seeds (at least
  500): for every juror–work pair, the share of draws in which that juror marks that work, divided
  by k / (jurors eligible for the work); the largest such ratio (target at most 1.5).

Both targets print PASS or FAIL; the exit status is 1 if one fails.

    .venv/bin/python scripts/bench_draw.py [--seeds 1000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from typing import Any

from integrity.jury.domain import draw


def school_manifest(works: int, jurors: int, schools: int, rng: random.Random) -> dict[str, Any]:
    """Works spread over 3 × ``schools`` schools; juror j teaches at school j mod ``schools``."""
    ciphers: set[str] = set()
    while len(ciphers) < works:
        ciphers.add("".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(6)))
    school_of = {c: rng.randrange(3 * schools) for c in sorted(ciphers)}
    return {
        "algorithm": draw.ALGORITHM,
        "mode": "double",
        "k": 2,
        "works": sorted(ciphers),
        "jurors": [
            {
                "id": j,
                "capacity": None,
                "conflicts": sorted(c for c, s in school_of.items() if s == j % schools),
            }
            for j in range(1, jurors + 1)
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(2026)

    big = school_manifest(10_000, 300, 100, rng)
    started = time.perf_counter()
    seed = draw.final_seed(draw.manifest_hash(big), "ab" * 32, ["6 6 2", "4 1 3"])
    result = draw.assignment(big, seed)
    draw_s = time.perf_counter() - started
    loads = Counter(j for chosen in result["works"].values() for j in chosen)

    small = school_manifest(60, 12, 6, rng)
    problem = draw.read_manifest(small)
    counts: Counter[tuple[int, str]] = Counter()
    started = time.perf_counter()
    for n in range(args.seeds):
        for cipher, chosen in draw.assignment(small, draw.sha256_hex(b"%d" % n))["works"].items():
            counts.update((juror, cipher) for juror in chosen)
    small_s = time.perf_counter() - started
    worst, where = 0.0, ""
    for w, cipher in enumerate(problem.works):
        fair = small["k"] / len(problem.eligible[w])
        for j in problem.eligible[w]:
            ratio = counts[problem.juror_ids[j], cipher] / args.seeds / fair
            if ratio > worst:
                worst, where = ratio, f"juror {problem.juror_ids[j]}, work {cipher}"

    rows = [
        ("works × jurors", "10000 × 300", None),
        ("draw s", f"{draw_s:.2f}", draw_s < 10),
        ("loads min..max", f"{min(loads.values())}..{max(loads.values())}", None),
        ("fairness seeds", f"{args.seeds}", args.seeds >= 500),
        ("fairness draws s", f"{small_s:.2f}", None),
        ("max share ratio", f"{worst:.3f}", worst <= 1.5),
    ]
    print(f"largest ratio at {where}\n")
    print(f"{'measure':<20}{'value':>14}  target")
    for label, value, ok in rows:
        print(f"{label:<20}{value:>14}  {'' if ok is None else 'PASS' if ok else 'FAIL'}")
    return 0 if all(ok is not False for _, _, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

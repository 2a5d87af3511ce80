"""The published assignment, its hash, and the order of third markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integrity.jury.domain.draw.double import assign_double
from integrity.jury.domain.draw.manifest import Problem, read_manifest
from integrity.jury.domain.draw.panel import assign_panel
from integrity.jury.domain.draw.seeding import ALGORITHM, Stream, canonical, sha256_hex


def third_marker_order(
    problem: Problem, seed_hex: str, cipher: str, markers: Sequence[int]
) -> list[int]:
    """The jurors (ids) to ask, in turn, for a third marking of a work: every eligible juror who
    is not already one of its markers (ids), in an order drawn from a stream labelled by the
    cipher, so that it does not depend on when or in which order discrepancies arise."""
    w = problem.works.index(cipher)
    ids = problem.juror_ids
    pool = [ids[j] for j in problem.eligible[w] if ids[j] not in set(markers)]
    return Stream(seed_hex, f"third:{cipher}").shuffled(pool)


def assignment(manifest: dict[str, Any], seed_hex: str) -> dict[str, Any]:
    """The published assignment: markers per cipher (juror ids, in the order drawn) and, in
    panel mode, the panel and its reserve list."""
    problem = read_manifest(manifest)
    ids = problem.juror_ids
    result: dict[str, Any] = {"algorithm": ALGORITHM, "mode": problem.mode}
    if problem.mode == "panel":
        panel, reserves, markers = assign_panel(problem, seed_hex)
        result["panel"] = [ids[j] for j in panel]
        result["reserves"] = [ids[j] for j in reserves]
    else:
        markers = assign_double(problem, seed_hex)
    result["works"] = {
        cipher: [ids[j] for j in chosen]
        for cipher, chosen in zip(problem.works, markers, strict=True)
    }
    return result


def assignment_hash(result: dict[str, Any]) -> str:
    return sha256_hex(canonical(result))

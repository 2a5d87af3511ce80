"""Panel mode: an odd panel by lot, the rest of the pool as its reserve list."""

from __future__ import annotations

from integrity.jury.domain.draw.manifest import Problem
from integrity.jury.domain.draw.seeding import DrawError, Stream


def assign_panel(problem: Problem, seed_hex: str) -> tuple[list[int], list[int], list[list[int]]]:
    """An odd panel drawn by lot, the rest of the pool as the reserve list in drawn order; a
    panelist in conflict with a work steps aside for it and the next free reserve marks it."""
    size = problem.k
    order = Stream(seed_hex, "panel").shuffled(range(len(problem.juror_ids)))
    if len(order) < size:
        raise DrawError("pool", f"a panel of {size} needs {size} jurors; there are {len(order)}")
    panel, reserves = order[:size], order[size:]
    markers: list[list[int]] = []
    for w, cipher in enumerate(problem.works):
        free = set(problem.eligible[w])
        chosen = [j for j in panel if j in free]
        chosen += [j for j in reserves if j in free][: size - len(chosen)]
        if len(chosen) < size:
            raise DrawError(
                "work_short",
                f"work {cipher} has only {len(chosen)} eligible jurors; the panel has {size}",
                work=cipher,
                eligible=len(chosen),
            )
        markers.append(chosen)
    return panel, reserves, markers

"""Double marking: k distinct markers per work, loads balanced within capacities."""

from __future__ import annotations

from integrity.jury.domain.draw.manifest import Problem
from integrity.jury.domain.draw.seeding import DrawError, Stream


def load_bounds(problem: Problem) -> tuple[list[int], list[int]]:
    """Each juror's least and most works. Without capacities every load is the same, or within
    one of it: L = ⌈kW/J⌉ and loads lie in [L−1, L]. A capacity c caps a juror at min(c, L), where
    L is the least level at which the capped shares cover all kW markings (water filling)."""
    demand = problem.k * len(problem.works)
    caps = [demand if c is None else c for c in problem.capacity]
    if sum(caps) < demand:
        raise DrawError(
            "capacity",
            f"the jurors' capacities add up to {sum(caps)} markings; {demand} are needed",
            available=sum(caps),
            needed=demand,
        )
    low, high = 0, max(caps, default=0)
    while low < high:  # the least level with enough room
        mid = (low + high) // 2
        if sum(min(c, mid) for c in caps) >= demand:
            high = mid
        else:
            low = mid + 1
    level = low
    return [min(c, max(level - 1, 0)) for c in caps], [min(c, level) for c in caps]


def assign_double(problem: Problem, seed_hex: str) -> list[list[int]]:
    """k distinct markers per work (juror indices), none in conflict, loads within the bounds.

    Works are taken in an order drawn from the stream; each slot goes to an eligible juror drawn
    with weight equal to the room left under their upper bound. Where that leaves a work short,
    or a juror under their lower bound, the shortest chain of hand-overs that fixes it is applied
    (augmenting paths, searched in index order, so the result stays a function of the seed).
    """
    k, works = problem.k, problem.works
    for w, cipher in enumerate(works):
        if len(problem.eligible[w]) < k:
            n = len(problem.eligible[w])
            raise DrawError(
                "work_short",
                f"work {cipher} has only {n} eligible juror{'s' if n != 1 else ''}; {k} needed",
                work=cipher,
                eligible=n,
                needed=k,
            )
    lower, upper = load_bounds(problem)
    eligible_sets = [set(e) for e in problem.eligible]
    for j, least in enumerate(lower):
        n = sum(1 for free in eligible_sets if j in free)
        if n < least:
            raise _unbalanced(problem.juror_ids[j], n, least)
    load = [0] * len(problem.juror_ids)
    markers: list[list[int]] = [[] for _ in works]
    held: list[set[int]] = [set() for _ in problem.juror_ids]  # works each juror marks
    stream = Stream(seed_hex, "double")
    for w in stream.shuffled(range(len(works))):
        for _ in range(k):
            candidates = [j for j in problem.eligible[w] if load[j] < upper[j] and w not in held[j]]
            if not candidates:
                break
            j = _weighted(stream, candidates, [upper[j] - load[j] for j in candidates])
            markers[w].append(j)
            held[j].add(w)
            load[j] += 1
    for w in range(len(works)):
        while len(markers[w]) < k:
            if not _fill_slot(w, problem, markers, held, load, upper):
                raise DrawError(
                    "no_assignment",
                    f"work {works[w]} cannot be given {k} markers: its eligible jurors are all "
                    "needed elsewhere",
                    work=works[w],
                )
    for j in range(len(load)):
        while load[j] < lower[j]:
            if not _raise_load(j, eligible_sets, markers, held, load, lower):
                n = sum(1 for free in eligible_sets if j in free)
                raise _unbalanced(problem.juror_ids[j], n, lower[j])
    return markers


def _unbalanced(juror: int, eligible: int, share: int) -> DrawError:
    return DrawError(
        "unbalanced",
        f"juror {juror} may mark only {eligible} of the works, short of a fair share of {share}; "
        f"give them a capacity of {eligible} or less",
        juror=juror,
        eligible=eligible,
    )


def _weighted(stream: Stream, items: list[int], weights: list[int]) -> int:
    pick = stream.below(sum(weights))
    for item, weight in zip(items, weights, strict=True):
        if pick < weight:
            return item
        pick -= weight
    raise AssertionError("unreachable: pick < sum(weights)")


def _fill_slot(
    w: int,
    problem: Problem,
    markers: list[list[int]],
    held: list[set[int]],
    load: list[int],
    upper: list[int],
) -> bool:
    """Give work w one more marker: a juror with room takes it, or a full juror takes it and hands
    one of their works to another juror, and so on until someone with room ends the chain."""
    start = [j for j in problem.eligible[w] if w not in held[j]]
    parent: dict[int, tuple[int, int] | None] = {j: None for j in start}  # juror -> (from, work)
    queue = list(start)
    for j in queue:
        if load[j] < upper[j]:
            # Apply the chain back to w: each juror takes the work its predecessor gives up.
            taker, link = j, parent[j]
            while link is not None:
                giver, moved = link
                _move(moved, giver, taker, markers, held, load)
                taker, link = giver, parent[giver]
            markers[w].append(taker)
            held[taker].add(w)
            load[taker] += 1
            return True
        for moved in sorted(held[j]):
            for other in problem.eligible[moved]:
                if other not in parent and moved not in held[other]:
                    parent[other] = (j, moved)
                    queue.append(other)
    return False


def _raise_load(
    j: int,
    eligible: list[set[int]],
    markers: list[list[int]],
    held: list[set[int]],
    load: list[int],
    lower: list[int],
) -> bool:
    """Give juror j one more work, taken from a juror above their lower bound (through a chain
    of jurors who each take one work from the next)."""
    parent: dict[int, tuple[int, int] | None] = {j: None}  # juror -> (who takes from them, work)
    queue = [j]
    for giver in queue:
        if giver != j and load[giver] > lower[giver]:
            link = parent[giver]
            while link is not None:
                taker, moved = link
                _move(moved, giver, taker, markers, held, load)
                giver, link = taker, parent[taker]
            return True
        for w, free in enumerate(eligible):
            if w in held[giver] or giver not in free:
                continue
            for other in markers[w]:
                if other not in parent:
                    parent[other] = (giver, w)
                    queue.append(other)
    return False


def _move(
    w: int, giver: int, taker: int, markers: list[list[int]], held: list[set[int]], load: list[int]
) -> None:
    markers[w][markers[w].index(giver)] = taker
    held[giver].discard(w)
    held[taker].add(w)
    load[giver] -= 1
    load[taker] += 1

"""The jury draw: from a frozen manifest and a final seed to who marks which work.

Standard library only, and nothing imported from the rest of Integrity: this one file is what
anyone runs to check a published draw (``scripts/verify_draw.py`` runs it; the public draw page
offers it for download). Change nothing here without changing ``ALGORITHM``: a published draw must
stay reproducible for as long as its results stand.

Seal, roll, reveal:

1. the manifest (works by cipher, jurors by id with the ciphers each must not mark, k or the panel
   size, capacities) is frozen and its SHA-256 published;
2. the server commits to a secret: SHA-256(secret) is published before anything else is entered;
3. two or more named people enter contributions (dice rolled on camera, say);
4. the secret is revealed; final seed = SHA-256(manifest hash ‖ secret ‖ each contribution, each
   prefixed by its length);
5. the assignment is a deterministic function of the manifest and the final seed, driven by an
   HMAC-SHA256 counter stream.

    python verify_draw.py DRAW.json [--assignment]
    python verify_draw.py MANIFEST.json --secret HEX --contribution TEXT --contribution TEXT ...
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ALGORITHM = "integrity-draw/1"
MODES = ("double", "panel")
PANEL_SIZES = (3, 5, 7)


class DrawError(ValueError):
    """No assignment can satisfy the manifest, or the manifest itself is malformed."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


# -- hashing -------------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that every hash here is taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_hash(manifest: dict[str, Any]) -> str:
    return sha256_hex(canonical(manifest))


def commitment(secret_hex: str) -> str:
    return sha256_hex(bytes.fromhex(secret_hex))


def normal_contribution(text: str) -> str:
    """What is hashed of a typed contribution: NFC, outer spaces dropped, inner runs made one."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def final_seed(manifest_sha256: str, secret_hex: str, contributions: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(manifest_sha256))
    digest.update(bytes.fromhex(secret_hex))
    for text in contributions:
        data = normal_contribution(text).encode()
        digest.update(len(data).to_bytes(4, "big"))
        digest.update(data)
    return digest.hexdigest()


class Stream:
    """Uniform choices from HMAC-SHA256(seed, label ‖ 0x00 ‖ counter), 64 bits at a time."""

    def __init__(self, seed_hex: str, label: str) -> None:
        self._key = bytes.fromhex(seed_hex)
        self._label = label.encode() + b"\x00"
        self._counter = 0
        self._pool: list[int] = []

    def _u64(self) -> int:
        if not self._pool:
            block = hmac.new(
                self._key, self._label + self._counter.to_bytes(8, "big"), hashlib.sha256
            ).digest()
            self._counter += 1
            self._pool = [int.from_bytes(block[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self._pool.pop()

    def below(self, n: int) -> int:
        """Uniform in 0..n-1, by rejection (no modulo bias)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - (1 << 64) % n
        while True:
            value = self._u64()
            if value < limit:
                return value % n

    def shuffled(self, items: Sequence[Any]) -> list[Any]:
        """Fisher–Yates, from the last position down."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


# -- the manifest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A manifest read into indices: works 0..W-1 in cipher order, jurors 0..J-1 in id order."""

    mode: str
    k: int
    works: list[str]
    juror_ids: list[int]
    capacity: list[int | None]
    eligible: list[list[int]]  # per work, the juror indices free to mark it, ascending


def read_manifest(manifest: dict[str, Any]) -> Problem:
    if manifest.get("algorithm") != ALGORITHM:
        raise DrawError("algorithm", f"this is {ALGORITHM}; the manifest says otherwise")
    mode = manifest.get("mode")
    if mode not in MODES:
        raise DrawError("mode", f"mode must be one of {', '.join(MODES)}")
    works = manifest.get("works")
    jurors = manifest.get("jurors")
    if not isinstance(works, list) or not isinstance(jurors, list):
        raise DrawError("shape", "works and jurors must be lists")
    if works != sorted(set(works)) or not all(isinstance(w, str) for w in works):
        raise DrawError("works", "works must be distinct ciphers in ascending order")
    ids = [j.get("id") for j in jurors]
    if ids != sorted(set(ids)) or not all(isinstance(i, int) for i in ids):
        raise DrawError("jurors", "jurors must have distinct ids in ascending order")
    k = manifest.get("k") if mode == "double" else manifest.get("panel_size")
    if not isinstance(k, int) or k < 1 or (mode == "panel" and k not in PANEL_SIZES):
        raise DrawError("k", "k must be a positive whole number; a panel has 3, 5 or 7 members")
    index = {cipher: i for i, cipher in enumerate(works)}
    eligible: list[list[int]] = [[] for _ in works]
    capacity: list[int | None] = []
    for j, juror in enumerate(jurors):
        conflicts = juror.get("conflicts", [])
        if conflicts != sorted(set(conflicts)) or any(c not in index for c in conflicts):
            raise DrawError("conflicts", f"juror {juror['id']}: conflicts must be sorted ciphers")
        cap = juror.get("capacity")
        if cap is not None and (not isinstance(cap, int) or cap < 0):
            raise DrawError("capacity", f"juror {juror['id']}: capacity must be a whole number")
        capacity.append(cap)
        barred = {index[c] for c in conflicts}
        for w in range(len(works)):
            if w not in barred:
                eligible[w].append(j)
    return Problem(mode, k, works, ids, capacity, eligible)


# -- double marking ------------------------------------------------------------------------------


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


# -- panel mode ----------------------------------------------------------------------------------


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


# -- the result ----------------------------------------------------------------------------------


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


# -- the command ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Recompute an Integrity jury draw from what was published."
    )
    parser.add_argument(
        "file", help="the published draw (manifest, secret, contributions) or a manifest alone"
    )
    parser.add_argument("--secret", help="the revealed secret (hex), if FILE is a manifest")
    parser.add_argument(
        "--contribution", action="append", default=[], help="each contribution, in order"
    )
    parser.add_argument("--assignment", action="store_true", help="print the assignment as JSON")
    args = parser.parse_args(argv)
    with open(args.file, encoding="utf-8") as handle:
        data = json.load(handle)
    if "contributions" in data:  # a published record
        manifest, secret = data.get("manifest"), data.get("secret")
        contributions = [c["value"] if isinstance(c, dict) else c for c in data["contributions"]]
    else:
        manifest, secret, contributions = data, args.secret, args.contribution
    if not secret:
        parser.error("the secret is needed (--secret, or in the draw file): is it revealed yet?")
    if "commitment" in data and commitment(secret) != data["commitment"]:
        print("the secret does NOT match the published commitment", file=sys.stderr)
        return 1
    if manifest is None:
        # Before the results, a record carries the manifest's hash but not the manifest: the
        # seed can be checked now, the assignment once the manifest is published.
        seed = final_seed(data["manifest_sha256"], secret, contributions)
        print(f"manifest sha256:   {data['manifest_sha256']} (manifest not published yet)")
        print(f"commitment:        {commitment(secret)} (matches)")
        print(f"final seed:        {seed}")
        if data.get("final_seed") not in (None, seed):
            print("the published final seed does NOT match", file=sys.stderr)
            return 1
        return 0
    digest = manifest_hash(manifest)
    if data.get("manifest_sha256") not in (None, digest):
        print("the manifest does NOT match its published hash", file=sys.stderr)
        return 1
    seed = final_seed(digest, secret, contributions)
    try:
        result = assignment(manifest, seed)
    except DrawError as exc:
        print(f"no assignment: {exc}", file=sys.stderr)
        return 1
    print(f"manifest sha256:   {digest}")
    print(f"commitment:        {commitment(secret)}")
    print(f"final seed:        {seed}")
    print(f"assignment sha256: {assignment_hash(result)}")
    for key, value in (("final_seed", seed), ("assignment_sha256", assignment_hash(result))):
        if data.get(key) not in (None, value):
            print(f"the published {key} does NOT match", file=sys.stderr)
            return 1
    if args.assignment:
        print(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

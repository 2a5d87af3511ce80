"""The manifest read into indices, and refused when malformed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from integrity.jury.domain.draw.seeding import ALGORITHM, MODES, PANEL_SIZES, DrawError


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

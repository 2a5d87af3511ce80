"""The draw algorithm (integrity/jury/domain/draw/): properties, known answers, the script."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.jury.domain import draw

ROOT = Path(__file__).resolve().parents[2]
SECRET = "5e" * 32


def manifest(
    works: list[str],
    conflicts: dict[int, list[str]],
    *,
    jurors: int,
    k: int = 2,
    mode: str = "double",
    capacity: dict[int, int] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "algorithm": draw.ALGORITHM,
        "mode": mode,
        "works": sorted(works),
        "jurors": [
            {
                "id": j,
                "capacity": (capacity or {}).get(j),
                "conflicts": sorted(set(conflicts.get(j, []))),
            }
            for j in range(1, jurors + 1)
        ],
    }
    data["k" if mode == "double" else "panel_size"] = k
    return data


def seed_of(n: int) -> str:
    return draw.sha256_hex(f"seed {n}".encode())


@st.composite
def instances(draw_: Any) -> dict[str, Any]:
    n_works = draw_(st.integers(1, 24))
    n_jurors = draw_(st.integers(1, 9))
    works = [f"C{i:03d}" for i in range(n_works)]
    conflicts = {
        j: draw_(st.lists(st.sampled_from(works), max_size=n_works)) for j in range(1, n_jurors + 1)
    }
    capacity = draw_(st.dictionaries(st.integers(1, n_jurors), st.integers(0, n_works), max_size=3))
    k = draw_(st.integers(1, 3))
    return manifest(works, conflicts, jurors=n_jurors, k=k, capacity=capacity)


@settings(max_examples=300, deadline=None)
@given(instances(), st.integers(0, 10_000))
def test_every_draw_gives_k_distinct_free_markers_within_the_load_bounds_or_says_why_not(
    data: dict[str, Any], n: int
) -> None:
    seed = seed_of(n)
    refused: draw.DrawError | None = None
    try:
        result = draw.assignment(data, seed)
    except draw.DrawError as error:
        refused = error
    if refused is not None:
        assert refused.code in {"work_short", "no_assignment", "unbalanced", "capacity"}
        if refused.code == "work_short":
            assert refused.details["work"] in str(refused)
        return
    barred = {(j["id"], c) for j in data["jurors"] for c in j["conflicts"]}
    loads: Counter[int] = Counter()
    for cipher, chosen in result["works"].items():
        assert len(chosen) == data["k"] == len(set(chosen))
        assert not any((j, cipher) in barred for j in chosen)
        loads.update(chosen)
    problem = draw.read_manifest(data)
    lower, upper = draw.load_bounds(problem)
    for index, juror in enumerate(problem.juror_ids):
        assert lower[index] <= loads[juror] <= upper[index]
        if problem.capacity[index] is not None:
            assert loads[juror] <= problem.capacity[index]
    if all(c is None for c in problem.capacity):
        assert max(loads.values()) - min(loads[j] for j in problem.juror_ids) <= 1
    assert draw.assignment(data, seed) == result  # a function of manifest and seed


@st.composite
def tiny_instances(draw_: Any) -> dict[str, Any]:
    n_works, n_jurors = draw_(st.integers(1, 5)), draw_(st.integers(1, 4))
    works = [f"C{i}" for i in range(n_works)]
    conflicts = {
        j: draw_(st.lists(st.sampled_from(works), max_size=n_works)) for j in range(1, n_jurors + 1)
    }
    capacity = draw_(st.dictionaries(st.integers(1, n_jurors), st.integers(0, 4), max_size=2))
    return manifest(
        works, conflicts, jurors=n_jurors, k=draw_(st.integers(1, 2)), capacity=capacity
    )


def _some_assignment_exists(data: dict[str, Any]) -> bool:
    problem = draw.read_manifest(data)
    try:
        lower, upper = draw.load_bounds(problem)
    except draw.DrawError:  # capacities short of the markings: none can exist
        return False
    options = [list(itertools.combinations(free, problem.k)) for free in problem.eligible]
    for choice in itertools.product(*options):
        loads = Counter(j for chosen in choice for j in chosen)
        if all(lower[j] <= loads[j] <= upper[j] for j in range(len(problem.juror_ids))):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(tiny_instances(), st.integers(0, 100))
def test_a_draw_is_refused_only_when_no_assignment_exists(data: dict[str, Any], n: int) -> None:
    refused: draw.DrawError | None = None
    try:
        draw.assignment(data, seed_of(n))
    except draw.DrawError as error:
        refused = error
    if refused is not None:
        assert not _some_assignment_exists(data), f"refused ({refused}); an assignment exists"


def test_the_same_manifest_and_seed_give_the_same_draw_and_another_seed_another() -> None:
    data = manifest([f"C{i:02d}" for i in range(40)], {1: ["C01"]}, jurors=8)
    first = draw.assignment(data, seed_of(1))
    assert draw.assignment(data, seed_of(1)) == first
    assert draw.assignment(data, seed_of(2)) != first


def test_a_work_with_too_few_eligible_jurors_is_named() -> None:
    data = manifest(["AAAAA1", "BBBBB2"], {1: ["BBBBB2"], 2: ["BBBBB2"]}, jurors=3)
    with pytest.raises(draw.DrawError) as refused:
        draw.assignment(data, seed_of(0))
    assert refused.value.code == "work_short"
    assert "BBBBB2" in str(refused.value) and "only 1 eligible juror" in str(refused.value)


def test_a_juror_who_cannot_get_a_fair_share_is_named_with_the_capacity_to_give() -> None:
    works = [f"C{i:02d}" for i in range(12)]
    data = manifest(works, {3: works[1:]}, jurors=3)  # juror 3 may mark one work of 12
    with pytest.raises(draw.DrawError) as refused:
        draw.assignment(data, seed_of(0))
    assert refused.value.code == "unbalanced" and refused.value.details["juror"] == 3
    data["jurors"][2]["capacity"] = 1
    result = draw.assignment(data, seed_of(0))
    loads = Counter(j for chosen in result["works"].values() for j in chosen)
    assert loads[3] == 1 and sorted([loads[1], loads[2]]) == [11, 12]


def test_capacities_that_cannot_cover_the_markings_are_refused() -> None:
    data = manifest(["C1", "C2"], {}, jurors=2, capacity={1: 1, 2: 1})
    with pytest.raises(draw.DrawError) as refused:
        draw.assignment(data, seed_of(0))
    assert refused.value.details == {"available": 2, "needed": 4}


def test_a_chain_of_hand_overs_completes_what_the_greedy_pass_left_short() -> None:
    # C3 can be marked only by jurors 1 and 2; on many seeds the random pass gives them their
    # fill of other works first, and only a chain of hand-overs finishes the draw.
    works = ["C0", "C1", "C2", "C3"]
    data = manifest(works, {3: ["C3"], 4: ["C3"]}, jurors=4)
    for n in range(200):
        result = draw.assignment(data, seed_of(n))
        assert sorted(result["works"]["C3"]) == [1, 2]


def test_a_panel_is_drawn_with_reserves_and_a_conflicted_panelist_steps_aside() -> None:
    works = ["C1", "C2", "C3"]
    data = manifest(works, {}, jurors=6, k=3, mode="panel")
    result = draw.assignment(data, seed_of(4))
    panel, reserves = result["panel"], result["reserves"]
    assert len(panel) == 3 and sorted(panel + reserves) == [1, 2, 3, 4, 5, 6]
    assert all(chosen == panel for chosen in result["works"].values())

    conflicted = panel[1]
    data["jurors"][conflicted - 1]["conflicts"] = ["C2"]
    result = draw.assignment(data, seed_of(4))
    assert result["panel"] == panel  # the conflict changes who marks C2, not who is drawn
    assert result["works"]["C2"] == [panel[0], panel[2], reserves[0]]
    assert result["works"]["C1"] == panel


@pytest.mark.parametrize("size", [2, 4])
def test_a_panel_has_an_odd_size(size: int) -> None:
    with pytest.raises(draw.DrawError):
        draw.assignment(manifest(["C1"], {}, jurors=6, k=size, mode="panel"), seed_of(0))


def test_the_final_seed_hangs_on_every_contribution_and_their_order() -> None:
    digest = draw.manifest_hash(manifest(["C1"], {}, jurors=2, k=1))
    base = draw.final_seed(digest, SECRET, ["3 1 4", "1 5 9"])
    assert draw.final_seed(digest, SECRET, ["1 5 9", "3 1 4"]) != base
    assert draw.final_seed(digest, SECRET, ["3 1 4", "1 5 8"]) != base
    assert draw.final_seed(digest, SECRET, ["3 1 41 5 9"]) != base
    # Lengths are hashed too, so contributions cannot be re-cut: "ab","c" is not "a","bc".
    assert draw.final_seed(digest, SECRET, ["ab", "c"]) != draw.final_seed(
        digest, SECRET, ["a", "bc"]
    )
    assert draw.final_seed(digest, SECRET, ["  3  1 4 ", "1 5 9"]) == base  # spacing is not a vote


def test_the_stream_is_uniform_enough_and_never_uses_a_biased_modulo() -> None:
    stream = draw.Stream(seed_of(0), "test")
    counts = Counter(stream.below(6) for _ in range(60_000))
    chi_square = sum((counts[v] - 10_000) ** 2 / 10_000 for v in range(6))
    assert chi_square < 20.5  # 5 degrees of freedom, p = 0.001
    assert sorted(stream.shuffled(range(10))) == list(range(10))


def test_known_answer_the_algorithm_has_not_drifted() -> None:
    """A published draw must recompute for years: if this changes, ALGORITHM must change too."""
    data = manifest([f"C{i:02d}" for i in range(10)], {1: ["C03"], 2: ["C04"]}, jurors=5)
    seed = draw.final_seed(draw.manifest_hash(data), SECRET, ["6 6 2", "4 1 3"])
    assert draw.assignment_hash(draw.assignment(data, seed)) == KNOWN_ASSIGNMENT_HASH


KNOWN_ASSIGNMENT_HASH = "dc3e3878df0cb1413095f7cf486864a5212f30daa2a85ce2ff5301aec2c2ca9e"


def test_the_third_marker_order_excludes_the_markers_and_the_conflicted() -> None:
    data = manifest(["C1", "C2"], {4: ["C1"]}, jurors=6)
    problem = draw.read_manifest(data)
    order = draw.third_marker_order(problem, seed_of(0), "C1", [1, 2])
    assert sorted(order) == [3, 5, 6]
    assert order == draw.third_marker_order(problem, seed_of(0), "C1", [1, 2])


def test_the_stand_alone_script_reproduces_the_draw_with_the_standard_library_only(
    tmp_path: Path,
) -> None:
    data = manifest([f"C{i:02d}" for i in range(12)], {1: ["C03"]}, jurors=5)
    contributions = ["6 6 2", "Асқар: 4 1 3"]
    record = tmp_path / "draw.json"
    record.write_text(
        json.dumps({"manifest": data, "secret": SECRET, "contributions": contributions}),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "scripts" / "verify_draw.py"), str(record),
         "--assignment"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    seed = draw.final_seed(draw.manifest_hash(data), SECRET, contributions)
    result = draw.assignment(data, seed)
    lines = done.stdout.splitlines()
    assert f"final seed:        {seed}" in lines
    assert f"assignment sha256: {draw.assignment_hash(result)}" in lines
    printed = json.loads(done.stdout[done.stdout.index("{") :])
    assert printed == result


def _run_script(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", str(ROOT / "scripts" / "verify_draw.py"), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_record_published_before_the_results_checks_the_seed_and_catches_a_false_one(
    tmp_path: Path,
) -> None:
    data = manifest([f"C{i:02d}" for i in range(6)], {}, jurors=3)
    digest = draw.manifest_hash(data)
    contributions = [{"position": 1, "contributor": "A", "value": "1 2 3"},
                     {"position": 2, "contributor": "B", "value": "4 5 6"}]  # fmt: skip
    seed = draw.final_seed(digest, SECRET, ["1 2 3", "4 5 6"])
    record = {"manifest_sha256": digest, "commitment": draw.commitment(SECRET),
              "contributions": contributions, "secret": SECRET, "final_seed": seed}  # fmt: skip
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record))
    done = _run_script(path)
    assert done.returncode == 0 and f"final seed:        {seed}" in done.stdout
    path.write_text(json.dumps({**record, "commitment": "0" * 64}))
    assert _run_script(path).returncode == 1
    path.write_text(json.dumps({**record, "final_seed": "0" * 64}))
    assert _run_script(path).returncode == 1
    path.write_text(json.dumps({**record, "manifest": data, "assignment_sha256": "0" * 64}))
    assert _run_script(path).returncode == 1

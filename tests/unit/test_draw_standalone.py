"""The one-file checker anyone downloads (integrity/jury/domain/draw/standalone.py): assembled from
the very modules the server runs, standard library only, and refused when it would not run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.jury.domain import draw
from integrity.jury.domain.draw import standalone
from tests.unit.test_draw import SECRET, instances, manifest, seed_of


def _loaded(source: str) -> types.ModuleType:
    module = types.ModuleType("verify_draw_under_test")
    sys.modules[module.__name__] = module
    exec(compile(source, "verify_draw.py", "exec"), module.__dict__)  # noqa: S102
    return module


def _outcome(module: Any, data: dict[str, Any], seed: str) -> dict[str, Any] | tuple[str, str]:
    try:
        result: dict[str, Any] = module.assignment(data, seed)
    except ValueError as refused:
        return (refused.code, str(refused))  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="module")
def checker() -> types.ModuleType:
    return _loaded(standalone.served().decode())


@settings(max_examples=100, deadline=None)
@given(data=instances(), n=st.integers(0, 10**6))
def test_the_downloaded_file_draws_exactly_what_the_server_draws(
    checker: types.ModuleType, data: dict[str, Any], n: int
) -> None:
    seed = seed_of(n)
    expected = _outcome(draw, data, seed)
    assert _outcome(checker, data, seed) == expected
    if isinstance(expected, tuple):
        return  # refused by both, with the same code and words
    assert checker.assignment(data, seed) == expected
    assert checker.assignment_hash(expected) == draw.assignment_hash(expected)
    cipher, markers = next(iter(expected["works"].items()))
    assert checker.third_marker_order(
        checker.read_manifest(data), seed, cipher, markers
    ) == draw.third_marker_order(draw.read_manifest(data), seed, cipher, markers)


def test_the_downloaded_file_checks_a_panel_draw_on_a_bare_python(tmp_path: Path) -> None:
    script = tmp_path / "verify_draw.py"
    script.write_bytes(standalone.served())
    data = manifest([f"C{i:02d}" for i in range(8)], {2: ["C01"]}, jurors=7, k=3, mode="panel")
    contributions = ["3 5 1", "Әлия: 2 2 6"]
    seed = draw.final_seed(draw.manifest_hash(data), SECRET, contributions)
    result = draw.assignment(data, seed)
    record = tmp_path / "draw.json"
    record.write_text(json.dumps({"manifest": data, "secret": SECRET, "contributions": contributions,
                                  "assignment_sha256": draw.assignment_hash(result)}))  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(script), str(record), "--assignment"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert json.loads(done.stdout[done.stdout.index("{") :]) == result
    assert result["panel"] and result["reserves"]


def test_every_module_of_the_package_goes_into_the_file() -> None:
    modules = {path.stem for path in standalone.HERE.glob("*.py")}
    assert modules - {"__init__", "standalone"} == set(standalone.PARTS)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "draw"
    shutil.copytree(standalone.HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert standalone.assemble(copy) == standalone.served().decode()
    return copy


def _append(path: Path, text: str, *, first: bool = False) -> None:
    source = path.read_text("utf-8")
    if first:
        head, _, rest = source.partition("from __future__ import annotations\n")
        path.write_text(f"{head}from __future__ import annotations\n{text}{rest}", "utf-8")
    else:
        path.write_text(source + text, "utf-8")


def test_an_import_from_outside_the_standard_library_is_refused(package_copy: Path) -> None:
    _append(package_copy / "panel.py", "import flask\n", first=True)
    with pytest.raises(
        standalone.AssemblyError, match=r"panel\.py:\d+: flask is not in the standard"
    ):
        standalone.assemble(package_copy)


def test_a_name_defined_in_two_modules_is_refused(package_copy: Path) -> None:
    _append(package_copy / "command.py", "\n\ndef load_bounds() -> None:\n    pass\n")
    with pytest.raises(
        standalone.AssemblyError, match=r"command\.py:\d+: load_bounds is already defined in double"
    ):
        standalone.assemble(package_copy)


def test_an_import_below_the_code_is_refused(package_copy: Path) -> None:
    _append(package_copy / "manifest.py", "\nimport os\n")
    with pytest.raises(standalone.AssemblyError, match=r"manifest\.py:\d+: imports must precede"):
        standalone.assemble(package_copy)

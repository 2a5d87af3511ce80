"""The checks scripts/test runs on the project itself: translations and the lock."""

from __future__ import annotations

import importlib.util
import io
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def translations() -> ModuleType:
    return script("check_translations")


def catalogue(locale: str = "ru"):  # type: ignore[no-untyped-def]
    path = ROOT / "integrity" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def compiled(source) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    write_mo(out, source)
    return out.getvalue()


def test_the_committed_catalogues_hold_their_po_files_messages(translations: ModuleType) -> None:
    for locale in ("kk", "ru"):
        mo = ROOT / "integrity" / "translations" / locale / "LC_MESSAGES" / "messages.mo"
        assert translations.compiled_differences(catalogue(locale), mo.read_bytes()) == []


def test_another_compilers_header_lines_do_not_fail_the_translations_check(
    translations: ModuleType,
) -> None:
    source = catalogue()
    mo = compiled(source)
    generated_by = next(line for line in mo.split(b"\n") if line.startswith(b"Generated-By:"))
    created = next(line for line in mo.split(b"\n") if line.startswith(b"POT-Creation-Date:"))
    # Same lengths, so the file's offsets stay right: a real compiled file from another Babel.
    other_by = b"Generated-By: " + b"X" * (len(generated_by) - len(b"Generated-By: "))
    other_date = b"POT-Creation-Date: 1999-01-01 00:00+0000"[: len(created)].ljust(len(created))
    rewritten = mo.replace(generated_by, other_by).replace(created, other_date)
    assert rewritten != mo
    assert translations.compiled_differences(source, rewritten) == []


def test_a_changed_translation_fails_the_translations_check_naming_the_message(
    translations: ModuleType,
) -> None:
    source = catalogue()
    changed = catalogue()
    message = next(m for m in changed if m.id and isinstance(m.id, str) and m.string)
    message.string = message.string + "!"
    assert translations.compiled_differences(source, compiled(changed)) == [
        f"another translation of {message.id!r}"
    ]


def test_a_missing_or_extra_message_or_plural_rule_fails_the_translations_check(
    translations: ModuleType,
) -> None:
    source = catalogue()
    fewer = catalogue()
    gone = next(m for m in fewer if m.id and isinstance(m.id, str))
    fewer.delete(gone.id, gone.context)
    assert translations.compiled_differences(source, compiled(fewer)) == [f"missing {gone.id!r}"]
    assert translations.compiled_differences(fewer, compiled(source)) == [
        f"not in the .po: {gone.id!r}"
    ]
    other_rule = catalogue()
    other_rule._num_plurals, other_rule._plural_expr = 2, "(n != 1)"
    assert "Plural-Forms header differs" in translations.compiled_differences(
        source, compiled(other_rule)
    )
    assert translations.compiled_differences(source, b"not a catalogue") == ["unreadable (OSError)"]


@pytest.fixture(scope="module")
def lock_check() -> ModuleType:
    return script("check_lock")


def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_the_committed_lock_satisfies_every_requirement_on_every_supported_python(
    lock_check: ModuleType,
) -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert lock_check.problems(lock, pyproject()) == []
    pinned = {name for name, _version, _marker in lock_check.read_pins(lock)}
    assert {"redis", "psycopg", "setuptools", "pytest", "flask"} <= pinned


def test_a_requirement_the_lock_does_not_satisfy_is_named(lock_check: ModuleType) -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    project = pyproject()
    raised = dict(project)
    raised["project"] = dict(project["project"])  # type: ignore[call-overload]
    raised["project"]["dependencies"] = [*project["project"]["dependencies"], "flask>=99"]  # type: ignore[index]
    found = lock_check.problems(lock, raised)
    assert found and all("flask>=99 (dependencies) is not satisfied" in p for p in found)

    without_redis = "\n".join(line for line in lock.splitlines() if not line.startswith("redis=="))
    assert any(
        p.startswith("redis>=5 (extra 'redis') is not in the lock for Python 3.11")
        for p in lock_check.problems(without_redis, project)
    )

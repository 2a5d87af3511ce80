"""Checks the message catalogues: run by scripts/test.

Fails when a catalogue misses a string the code uses, holds an untranslated or fuzzy entry, has a
placeholder that differs from its source, or when the committed .mo file does not hold the .po's
messages. The .mo is judged by what it says, not by its bytes: its messages (ids, contexts,
strings, plural forms) and the headers that change how it reads (language, plural rule, charset).
The compiler's own header lines (`Generated-By`, `POT-Creation-Date`, …) are ignored, so a newer
Babel that writes another version into them does not fail the check.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "integrity" / "translations"
LOCALES = ("kk", "ru")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Headers that change how a compiled catalogue is read; every other header line is the tools' own.
MEANINGFUL_HEADERS = ("Language", "Plural-Forms", "Content-Type")

Messages = dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]]


def _as_tuple(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (str(value),)


def messages_of(catalogue: Catalog) -> Messages:
    """What a catalogue translates, as gettext will read it: fuzzy entries are not compiled."""
    return {
        (m.context, _as_tuple(m.id)): _as_tuple(m.string)
        for m in catalogue
        if m.id and not m.fuzzy and all(_as_tuple(m.string))
    }


def headers_of(catalogue: Catalog) -> dict[str, str]:
    headers = dict(catalogue.mime_headers)
    return {name: headers.get(name, "") for name in MEANINGFUL_HEADERS}


def compiled_differences(source: Catalog, compiled: bytes) -> list[str]:
    """How a compiled .mo differs from the .po it should be compiled from, in words."""
    try:
        built = read_mo(io.BytesIO(compiled))
    except Exception as exc:  # noqa: BLE001  (any unreadable file is the same finding)
        return [f"unreadable ({type(exc).__name__})"]
    wanted, found = messages_of(source), messages_of(built)
    differences = [f"{name} header differs" for name, value in headers_of(source).items()
                   if headers_of(built)[name] != value]  # fmt: skip
    for key in sorted(wanted.keys() | found.keys(), key=repr):
        if key not in found:
            differences.append(f"missing {key[1][0]!r}")
        elif key not in wanted:
            differences.append(f"not in the .po: {key[1][0]!r}")
        elif found[key] != wanted[key]:
            differences.append(f"another translation of {key[1][0]!r}")
    return differences


def source_messages() -> set[str]:
    method_map = [("integrity/**.py", "python"), ("integrity/templates/**.html", "jinja2")]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords=KEYWORDS,
        options_map={"integrity/templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def main() -> int:
    problems: list[str] = []
    wanted = source_messages()
    for locale in LOCALES:
        po_path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
        for missing in sorted(wanted - ids):
            problems.append(
                f"{locale}: not in the catalogue: {missing!r} (run scripts/update_translations)"
            )
        for message in catalogue:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = (
                message.string if isinstance(message.string, tuple | list) else (message.string,)
            )
            if message.fuzzy or not all(strings):
                problems.append(f"{locale}: untranslated or fuzzy: {key!r}")
                continue
            source = set(PLACEHOLDER.findall(key))
            for text in strings:
                if set(PLACEHOLDER.findall(text)) - source:
                    problems.append(f"{locale}: placeholders differ in {key!r}")
        mo_path = po_path.with_suffix(".mo")
        differences = (
            compiled_differences(catalogue, mo_path.read_bytes())
            if mo_path.exists()
            else ["missing file"]
        )
        for difference in differences[:5]:
            problems.append(
                f"{locale}: {mo_path.relative_to(ROOT)} is not the compiled .po: {difference}"
                " (run scripts/update_translations)"
            )
        if len(differences) > 5:
            problems.append(f"{locale}: … and {len(differences) - 5} more differences")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"translations complete: {', '.join(LOCALES)}; {len(wanted)} messages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

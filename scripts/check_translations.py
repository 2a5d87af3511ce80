"""Checks the message catalogues: run by scripts/test.

Fails when a catalogue misses a string the code uses, holds an untranslated or fuzzy entry, has a
placeholder that differs from its source, or when the committed .mo file is not the compiled .po.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "integrity" / "translations"
LOCALES = ("kk", "ru")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def source_messages() -> set[str]:
    method_map = [("integrity/**.py", "python"), ("templates/**.html", "jinja2")]
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}},
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
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != compiled.getvalue():
            problems.append(
                f"{locale}: {mo_path.relative_to(ROOT)} is not the compiled .po (run scripts/update_translations)"
            )
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"translations complete: {', '.join(LOCALES)}; {len(wanted)} messages")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Reading one row's cells: every problem found is collected as a ``RowError`` (masked, short),
so a whole file is checked in one pass. Column titles are matched by parts and aliases.

Pure: standard library and the IIN rules only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from integrity.registry.domain.iin import IIN, InvalidIIN, parse_iin
from integrity.registry.domain.names import is_plausible_name, name_key, normalise_name

MAX_ERROR_VALUE: Final = 60

# Nine digits or more in an error value can only be (part of) an IIN or a phone number.
_LONG_DIGITS: Final = re.compile(r"\d{9,}")
_EDGE_PUNCTUATION: Final = re.compile(r"^[\W_]+|[\W_]+$")
_HEADER_PARTS: Final = re.compile(r"[/|()\n]")
_GRADE: Final = re.compile(
    r"^(\d{1,2})(?:[.,]0+)?\s*-?\s*(?:[«\"']?[^\W\d_][»\"']?)?\s*(?:сынып|класс|кл\.?|grade)?$"
)
_ISO_DATE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}\S*)?)?$")
_DMY_DATE: Final = re.compile(
    r"^(\d{1,2})([./])(\d{1,2})\2(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")
_LIST_SEPARATORS: Final = re.compile(r"[,;|]")

_BOOLEANS: Final[Mapping[str, bool]] = {
    **dict.fromkeys(("yes", "y", "иә", "иа", "да", "1", "true", "истина", "+"), True),
    **dict.fromkeys(("no", "n", "жоқ", "жок", "нет", "0", "false", "ложь", "-"), False),
}
_ORGANISATION_KINDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(("school", "мектеп", "школа"), "school"),
    **dict.fromkeys(("university", "жоо", "университет", "вуз"), "university"),
    **dict.fromkeys(("other", "басқа", "другое", "другая"), "other"),
}


def mask_iin(value: str) -> str:
    """All but the last four characters hidden, at most ``MAX_ERROR_VALUE`` long."""
    compact = "".join(value.split())
    hidden = min(max(len(compact) - 4, 0), MAX_ERROR_VALUE - 4)
    return "*" * hidden + compact[-4:]


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in one cell. ``value`` is shortened and never carries a full IIN."""

    row: int
    field: str
    problem: str
    value: str = ""

    def __post_init__(self) -> None:
        # Error lists end up in logs and flash messages; masking here rather than at each
        # call site means an IIN typed into a name column cannot leak either.
        masked = _LONG_DIGITS.sub(lambda m: mask_iin(m.group()), self.value)
        object.__setattr__(self, "value", masked[:MAX_ERROR_VALUE])


class ImportRejected(Exception):
    """Raised by callers that refuse a whole file when any row has a problem."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def header_key(header: str) -> str:
    """Key for matching a column title: ``"Фамилия*"``, ``"ФАМИЛИЯ:"`` → ``"фамилия"``;
    ``"given_name"`` → ``"given name"`` (machine-made files use underscores)."""
    return _EDGE_PUNCTUATION.sub("", name_key(header.replace("_", " ")))


def match_columns(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Canonical field → column index. The first column matching a field wins.

    Bilingual titles such as ``"Тегі / Фамилия"`` or ``"ИИН (ЖСН)"`` are matched by parts.
    """
    aliases = {header_key(alias): name for name, titles in columns.items() for alias in titles}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        candidates = [title, *_HEADER_PARTS.split(title)]
        for candidate in candidates:
            name = aliases.get(header_key(candidate))
            if name is not None:
                found.setdefault(name, index)
                break
    return found


def unknown_columns(header: list[str], columns: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The titles of the columns no field reads (blank titles aside): their cells would be lost."""
    read = set(match_columns(header, columns).values())
    return [
        title.strip() for index, title in enumerate(header) if index not in read and title.strip()
    ]


class Cells:
    """One row's cells by field name, collecting every problem found while reading them.

    Getters of required values return "" or 0 after recording the problem, so callers
    check ``errors`` once instead of every value for None.
    """

    def __init__(self, row: int, cells: list[str], columns: dict[str, int]) -> None:
        self.row = row
        self.cells = cells
        self.columns = columns
        self.errors: list[RowError] = []

    def error(self, key: str, problem: str, value: str = "") -> None:
        self.errors.append(RowError(row=self.row, field=key, problem=problem, value=value))

    def optional(self, key: str) -> str | None:
        index = self.columns.get(key)
        return (normalise_name(self.cells[index]) if index is not None else "") or None

    def required(self, key: str) -> str:
        value = self.optional(key)
        if value is None:
            self.error(key, "required")
            return ""
        return value

    def name(self, key: str, *, required: bool = False) -> str:
        value = self.required(key) if required else self.optional(key) or ""
        if value and not is_plausible_name(value):
            self.error(key, "name_characters", value)
        return value

    def iin(self, seen: set[str], *, required: bool) -> IIN | None:
        raw = self.required("iin") if required else self.optional("iin")
        if not raw:
            return None
        try:
            iin = parse_iin(raw)
        except InvalidIIN as exc:
            self.error("iin", f"iin_{exc.problem.value}", mask_iin(raw))
            return None
        if iin.value in seen:
            self.error("iin", "duplicate_iin", mask_iin(iin.value))
        seen.add(iin.value)
        return iin

    def grade(self, key: str) -> int:
        raw = self.required(key)
        match = _GRADE.match(name_key(raw))
        grade = int(match.group(1)) if match else 0
        if raw and not 1 <= grade <= 12:
            self.error(key, "grade", raw)
        return grade

    def date(self, key: str) -> dt.date | None:
        raw = self.optional(key)
        value = None if raw is None else parse_date(raw)
        if raw is not None and value is None:
            self.error(key, "date", raw)
        return value

    def boolean(self, key: str) -> bool:
        raw = self.optional(key)
        value = _BOOLEANS.get(name_key(raw)) if raw is not None else False
        if value is None:
            self.error(key, "boolean", raw or "")
        return bool(value)

    def organisation_kind(self, *, school: str | None) -> str:
        raw = self.optional("organisation_kind")
        if raw is None:
            # A juror from a school usually leaves the kind blank and fills in the school.
            return "school" if school else "other"
        kind = _ORGANISATION_KINDS.get(header_key(raw))
        if kind is None:
            self.error("organisation_kind", "organisation_kind", raw)
        return kind or ""

    def text_list(self, key: str) -> tuple[str, ...]:
        items: dict[str, str] = {}
        for part in _LIST_SEPARATORS.split(self.optional(key) or ""):
            item = normalise_name(part)
            if item:
                items.setdefault(name_key(item), item)
        return tuple(items.values())

    def email(self, key: str) -> str | None:
        raw = self.optional(key)
        if raw is not None and (len(raw) > 254 or not _EMAIL.match(raw)):
            self.error(key, "email", raw)
        return raw


def parse_date(raw: str) -> dt.date | None:
    """YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY (a time part is ignored); None if not a date."""
    value = raw.strip()
    if match := _ISO_DATE.match(value):
        year, month, day = match.group(1), match.group(2), match.group(3)
    elif match := _DMY_DATE.match(value):
        year, month, day = match.group(4), match.group(3), match.group(1)
    else:
        return None
    if not 1900 <= int(year) <= 2100:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None

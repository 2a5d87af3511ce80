"""People's names: how they are cleaned, compared and sorted (Kazakh alphabetical order).

Pure: standard library only.
"""

from __future__ import annotations

import unicodedata
from typing import Final

MAX_NAME_LENGTH: Final = 100

_APOSTROPHES: Final = str.maketrans(dict.fromkeys("’‘ʼʻ`´", "'") | dict.fromkeys("–—‐‑‒−", "-"))
_NAME_PUNCTUATION: Final = frozenset(" -'.")


def normalise_name(raw: str) -> str:
    """NFC, typographic apostrophes/hyphens made ASCII, whitespace collapsed."""
    text = unicodedata.normalize("NFC", raw).translate(_APOSTROPHES)
    return " ".join(text.split())


def is_plausible_name(value: str) -> bool:
    """Letters of any script plus space, hyphen, apostrophe and dot; no digits."""
    if not value or len(value) > MAX_NAME_LENGTH:
        return False
    has_letter = False
    for ch in value:
        if ch.isalpha():
            has_letter = True
        elif ch not in _NAME_PUNCTUATION and not unicodedata.category(ch).startswith("M"):
            # Combining marks are let through for names with no precomposed form.
            return False
    return has_letter


def name_key(value: str) -> str:
    """Comparison key: case-, ё/е-, apostrophe- and spacing-insensitive."""
    folded = unicodedata.normalize("NFC", normalise_name(value).casefold())
    return folded.replace("ё", "е")


def full_name(surname: str, given_name: str, patronymic: str | None) -> str:
    """Official Kazakh order: surname, given name, patronymic."""
    return " ".join(part for part in (surname, given_name, patronymic) if part)


# The Kazakh Cyrillic alphabet (42 letters) in its official order; Latin letters follow.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_COLLATION = {
    **{letter: 10 + i for i, letter in enumerate(KAZAKH_ALPHABET)},
    **{letter: 60 + i for i, letter in enumerate(_LATIN)},
    " ": 1,
    "-": 2,
    "'": 3,
}


def collation_key(value: str) -> str:
    """A key that sorts names in Kazakh alphabetical order (Ә after А, Ғ after Г, …).

    Databases sort by code point (SQLite) or by a server locale (PostgreSQL) that rarely knows
    Kazakh; two decimal digits a letter sort the same way everywhere.
    """
    text = normalise_name(value).casefold()
    return "".join(f"{_COLLATION.get(ch, 99 if not ch.isdigit() else 4):02d}" for ch in text)

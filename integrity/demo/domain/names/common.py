"""Normalising and joining the parts of names: every string of the reference data is NFC."""

from __future__ import annotations

import unicodedata


def nfc_all(*items: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", item) for item in items)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)

"""A date as the centre's own documents write it: «2026 жылғы 12 қараша» in Kazakh (the seeds'
"2025 жылғы "10" маусым"), «12 ноября 2026 г.» in Russian. Pure."""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек",
           "қазан", "қараша", "желтоқсан"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
}  # fmt: skip


def official_date(day: dt.date, lang: str) -> str:
    """``day`` in the words of the centre's documents; Kazakh for any language but Russian."""
    if lang == "ru":
        return f"«{day.day}» {MONTHS['ru'][day.month - 1]} {day.year} г."
    return f"{day.year} жылғы «{day.day}» {MONTHS['kk'][day.month - 1]}"

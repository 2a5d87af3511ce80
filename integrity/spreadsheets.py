"""Every CSV and XLSX the platform writes goes through here: cells are data, never formulas.

A name typed as ``=HYPERLINK("http://…","y")`` must come out as that text, not as a live formula
in whoever opens the export (OWASP's CSV injection). In CSV, a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which spreadsheet programs
read as "text follows" and do not show; plain numbers such as ``-3`` or ``+7.5`` are left as they
are, and so is a lone dash. In XLSX every text cell is a string, whatever it begins with. Pure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?|-")  # and a lone dash: "none"

Row = Sequence[Any]


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell that no spreadsheet program evaluates."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows: Iterable[Row], *, delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def csv_bytes(rows: Iterable[Row], *, delimiter: str = ";") -> bytes:
    """UTF-8 with a BOM, so that Excel on Windows opens Kazakh letters intact."""
    return csv_text(rows, delimiter=delimiter).encode("utf-8-sig")


def append_row(sheet: Worksheet, row: Row) -> None:
    """Append to a sheet with every text written as a string, never read as a formula."""
    cells = []
    for value in row:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Row]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

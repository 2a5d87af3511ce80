"""CSV and XLSX exports hold data, never formulas (OWASP's CSV injection)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from integrity import spreadsheets
from integrity.registry.services import exports

HOSTILE = ['=HYPERLINK("http://evil.example/","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1"]  # fmt: skip
HARMLESS = ["Әлихан", "-3", "+7.5", "12,5", "-", "", "a=b"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_would_be_a_formula_is_quoted_as_text(text: str) -> None:
    read = next(csv.reader(io.StringIO(spreadsheets.csv_text([[text]]))))
    assert read == ["'" + text]


@pytest.mark.parametrize("text", HARMLESS)
def test_names_and_plain_numbers_are_written_as_they_are(text: str) -> None:
    read = next(csv.reader(io.StringIO(spreadsheets.csv_text([[text, 5]])), delimiter=";"))
    assert read[0] == text


def test_an_xlsx_cell_holds_the_hostile_text_as_a_string_never_a_formula() -> None:
    data = spreadsheets.xlsx_bytes([("sheet", [HOSTILE, [1, 2.5, None]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == HOSTILE
    assert {c.data_type for c in sheet[1]} == {"s"}
    assert [c.value for c in sheet[2]][:2] == [1, 2.5]  # numbers stay numbers
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_the_participants_export_neutralises_a_hostile_cell_in_both_formats() -> None:
    row = ["011111111111", "Сәрсенова", "Айгүл", "", "9", HOSTILE[0], "Тараз", "MAT", HOSTILE[0],
           "", "", "no", "entered"]  # fmt: skip
    assert f"'{HOSTILE[0]}".replace('"', '""') in exports.to_csv([row]).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([row]))).active
    assert sheet.cell(row=2, column=9).value == HOSTILE[0]
    assert sheet.cell(row=2, column=9).data_type == "s"


def test_no_module_writes_csv_or_xlsx_except_through_the_one_that_neutralises_cells() -> None:
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(")
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "integrity").rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    # The demo writes the files a user would import, from generated names: never an export.
    assert sorted(found) == ["integrity/demo/loader.py", "integrity/spreadsheets.py"]

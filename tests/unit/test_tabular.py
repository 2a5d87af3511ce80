"""Reading uploaded CSV/XLSX files the way schools actually produce them."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from integrity.registry.domain.tabular import (
    ERROR_CODES,
    Table,
    TableError,
    TableLimits,
    read_table,
)

RUSSIAN = "ИИН;Фамилия;Имя;Класс\n040515500123;Ёлкина;Алёна;9\n"


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite_zip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """Copy an xlsx, replacing (or with None, dropping) some of its members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename in change:
                replacement = change[item.filename]
                if replacement is not None:
                    dst.writestr(item, replacement)
            else:
                dst.writestr(item, src.read(item))
    return out.getvalue()


def _code(data: bytes, filename: str = "list.csv") -> str:
    with pytest.raises(TableError) as caught:
        read_table(data, filename)
    assert caught.value.code in ERROR_CODES
    return caught.value.code


# --- CSV encodings ------------------------------------------------------------------------


def test_utf8_comma_file_with_kazakh_letters_is_read() -> None:
    text = "ЖСН,Тегі,Аты\n040515500123,Әбдіқадыр,Ғалымжан\n"
    table = read_table(text.encode("utf-8"), "list.csv")
    assert table == Table(
        header=["ЖСН", "Тегі", "Аты"], rows=[(2, ["040515500123", "Әбдіқадыр", "Ғалымжан"])]
    )


def test_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    text = "ЖСН;Тегі\n040515500123;Құрманғазы\n"
    table = read_table(codecs.BOM_UTF8 + text.encode("utf-8"), "list.csv")
    assert table.header == ["ЖСН", "Тегі"]
    assert table.rows == [(2, ["040515500123", "Құрманғазы"])]


def test_windows_1251_semicolon_file_is_detected_without_asking() -> None:
    table = read_table(RUSSIAN.encode("cp1251"), "list.csv")
    assert table.header == ["ИИН", "Фамилия", "Имя", "Класс"]
    assert table.rows == [(2, ["040515500123", "Ёлкина", "Алёна", "9"])]


def test_utf16_unicode_text_export_from_excel_is_read() -> None:
    text = "ЖСН\tТегі\r\n040515500123\tӘлиханов\r\n"
    table = read_table(text.encode("utf-16"), "list.txt")
    assert table.rows == [(2, ["040515500123", "Әлиханов"])]


def test_bytes_that_are_neither_utf8_nor_windows_1251_are_an_encoding_error() -> None:
    # 0x98 is the one byte cp1251 leaves undefined.
    assert _code(b"\xd4\xe0\xec\xe8\xeb\xe8\xff;\x98\n1;2\n") == "encoding"


# --- delimiters and quoting ---------------------------------------------------------------


def test_comma_and_semicolon_are_told_apart_by_the_header_line() -> None:
    by_comma = read_table(b"a,b,c\n1,2;3,4\n", "x.csv")
    by_semicolon = read_table(b"a;b;c\n1;2,3;4\n", "x.csv")
    assert by_comma.rows == [(2, ["1", "2;3", "4"])]
    assert by_semicolon.rows == [(2, ["1", "2,3", "4"])]


def test_quoted_fields_may_contain_the_other_delimiter_and_quotes() -> None:
    data = 'Мектеп;Пән\n"№ 5 ""Дарын"" мектеп-гимназиясы; Алматы";"Физика, химия"\n'
    table = read_table(data.encode("utf-8"), "x.csv")
    assert table.rows == [(2, ['№ 5 "Дарын" мектеп-гимназиясы; Алматы', "Физика, химия"])]


def test_delimiters_inside_quoted_header_cells_are_not_counted() -> None:
    # Three commas inside quotes, two semicolons outside: the file is semicolon-separated.
    data = '"Тегі, аты, әкесінің аты, толық";ЖСН;Сынып\nА;1;9\n'
    table = read_table(data.encode("utf-8"), "x.csv")
    assert table.header == ["Тегі, аты, әкесінің аты, толық", "ЖСН", "Сынып"]


def test_a_quote_inside_an_unquoted_header_cell_is_just_a_character() -> None:
    table = read_table('Мектеп "Дарын;Аудан;Пән\n1;2;3\n'.encode(), "x.csv")
    assert table.header == ['Мектеп "Дарын', "Аудан", "Пән"]
    assert table.rows == [(2, ["1", "2", "3"])]


def test_a_stray_control_character_does_not_reject_a_list() -> None:
    table = read_table("Тегі;Аты\nӘли\x02ев;Нұр\n".encode(), "x.csv")
    assert table.rows == [(2, ["Әли\x02ев", "Нұр"])]


def test_tab_separated_text_is_accepted() -> None:
    table = read_table("Тегі\tАты\nӘлиев\tНұр\n".encode(), "x.tsv")
    assert table.rows == [(2, ["Әлиев", "Нұр"])]


def test_excel_sep_hint_line_sets_the_delimiter_and_is_not_a_row() -> None:
    table = read_table(b"sep=,\na;b,c\n1;2,3\n", "x.csv")
    assert table.header == ["a;b", "c"]
    assert table.rows == [(2, ["1;2", "3"])]


def test_row_numbers_count_blank_lines_and_quoted_line_breaks_like_a_spreadsheet() -> None:
    data = b'a;b\n1;2\n\n;;\n"multi\nline";3\n  ; \n4;5\n'
    table = read_table(data, "x.csv")
    assert table.rows == [(2, ["1", "2"]), (5, ["multi\nline", "3"]), (7, ["4", "5"])]


def test_cells_are_stripped_and_short_rows_padded_long_rows_cut_to_the_header() -> None:
    table = read_table(b"a; b ;c;;\n 1 \n1;2;3;4;5\n", "x.csv")
    assert table.header == ["a", "b", "c"]
    assert table.rows == [(2, ["1", "", ""]), (3, ["1", "2", "3"])]


def test_blank_lines_before_the_header_move_the_header_row() -> None:
    table = read_table(b"\n;;\na;b\n1;2\n", "x.csv")
    assert table.header_row == 3
    assert table.rows == [(4, ["1", "2"])]


def test_crlf_line_endings_are_read() -> None:
    table = read_table(b"a;b\r\n1;2\r\n3;4\r\n", "x.csv")
    assert table.rows == [(2, ["1", "2"]), (3, ["3", "4"])]


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_numbers_dates_and_blank_rows_come_back_as_the_user_sees_them() -> None:
    data = _xlsx(
        [
            ["ЖСН", "Тегі", "Сынып", "Балл", "Келісім күні", "Жариялау"],
            [80515500808, " Әлиев ", 9, 87.5, dt.date(2024, 9, 1), True],
            [None, None, None, None, None, None],
            ["040515500123", "Сәрсенова", 10.0, 0.1 + 0.2, dt.datetime(2024, 9, 2, 13, 30), False],  # noqa: DTZ001 - Excel times are naive
            [],
            [990101350015, "Ким", 11, None],
        ]
    )
    table = read_table(data, "list.xlsx")
    assert table.header == ["ЖСН", "Тегі", "Сынып", "Балл", "Келісім күні", "Жариялау"]
    assert table.rows == [
        (2, ["80515500808", "Әлиев", "9", "87.5", "2024-09-01", "TRUE"]),
        (4, ["040515500123", "Сәрсенова", "10", "0.3", "2024-09-02", "FALSE"]),
        (6, ["990101350015", "Ким", "11", "", "", ""]),
    ]


def test_xlsx_is_recognised_by_content_whatever_the_file_is_called() -> None:
    data = _xlsx([["Тегі"], ["Нұрланов"]])
    assert read_table(data, "upload.bin").rows == [(2, ["Нұрланов"])]


def test_xlsx_starting_below_row_one_keeps_spreadsheet_numbering() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["B3"] = "Тегі"
    sheet["C3"] = "Аты"
    sheet["B5"] = "Омарова"
    sheet["C5"] = "Әйгерім"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "list.xlsx")
    assert table.header == ["", "Тегі", "Аты"]
    assert table.header_row == 3
    assert table.rows == [(5, ["", "Омарова", "Әйгерім"])]


def test_xlsx_with_a_lying_dimension_record_is_read_completely() -> None:
    data = _xlsx([["Тегі"], ["Бір"], ["Екі"], ["Үш"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', sheet_xml)
    assert lying != sheet_xml
    data = _rewrite_zip(data, {"xl/worksheets/sheet1.xml": lying})
    assert [cells[0] for _, cells in read_table(data, "x.xlsx").rows] == ["Бір", "Екі", "Үш"]


def test_xlsx_with_a_bare_stylesheet_is_read_despite_openpyxl_warnings() -> None:
    # Generators other than Excel often write a bare stylesheet; openpyxl warns about it.
    bare = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    data = _rewrite_zip(_xlsx([["Тегі"], ["Ахметов"]]), {"xl/styles.xml": bare})
    assert read_table(data, "x.xlsx").rows == [(2, ["Ахметов"])]


def test_only_the_first_worksheet_is_read() -> None:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.append(["Тегі"])
    first.append(["Бірінші"])
    second = workbook.create_sheet("Екінші")
    second.append(["Тегі"])
    second.append(["Екінші"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), "x.xlsx").rows == [(2, ["Бірінші"])]


def test_broken_xlsx_zip_is_reported_as_such() -> None:
    data = _xlsx([["Тегі"], ["Ахметов"]])
    assert _code(data[: len(data) // 2], "list.xlsx") == "xlsx_broken"


def test_a_text_file_named_xlsx_is_a_broken_workbook() -> None:
    assert _code(b"a;b\n1;2\n", "list.xlsx") == "xlsx_broken"


def test_a_zip_that_is_not_a_workbook_is_broken() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _code(buffer.getvalue(), "list.xlsx") == "xlsx_broken"


def test_empty_workbook_is_empty() -> None:
    assert _code(_xlsx([]), "list.xlsx") == "empty"


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"   \r\n\t\n", codecs.BOM_UTF8 + b"\n\n", b";;;\n;;\n", "\n".encode("utf-16")]
)
def test_empty_or_whitespace_only_file_is_empty(data: bytes) -> None:
    assert _code(data) == "empty"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", id="png"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", id="pdf"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, id="legacy-xls"),
        pytest.param(b"a;b\n1;\x002\n", id="nul-byte"),
        pytest.param(bytes(range(1, 32)) * 20, id="control-characters"),
        pytest.param(b"<html><body><table><tr><td>1</td></tr></table>", id="html-as-xls"),
    ],
)
def test_files_that_are_not_tables_are_refused(data: bytes) -> None:
    assert _code(data, "list.csv") == "not_a_table"


def test_a_first_row_of_data_instead_of_names_is_no_header() -> None:
    assert _code("040515500123;Әлиев;Нұр\n".encode()) == "no_header"
    assert _code(b"1;2;3\n4;5;6\n") == "no_header"


def test_more_rows_than_allowed_is_refused_but_exactly_the_limit_is_fine() -> None:
    data = b"a\n" + b"x\n\n" * 5
    assert len(read_table(data, "x.csv", max_rows=5).rows) == 5
    with pytest.raises(TableError) as caught:
        read_table(data, "x.csv", max_rows=4)
    assert caught.value.code == "too_many_rows"
    assert caught.value.detail == "more than 4 rows"


def test_xlsx_row_limit_applies_too() -> None:
    rows: list[list[object]] = [["a"]]
    rows.extend([str(i)] for i in range(10))
    data = _xlsx(rows)
    with pytest.raises(TableError) as caught:
        read_table(data, "x.xlsx", max_rows=9)
    assert caught.value.code == "too_many_rows"


def test_table_error_is_a_value_error_with_code_and_detail() -> None:
    error = TableError("empty", "nothing here")
    assert isinstance(error, ValueError)
    assert (error.code, error.detail, str(error)) == (
        "empty",
        "nothing here",
        "empty: nothing here",
    )


# -- bounded cost: one upload must not take the site down -----------------------------------------


def xlsx_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.slow
def test_an_xlsx_that_unpacks_to_a_gigabyte_is_refused_before_it_is_parsed() -> None:
    import time

    bomb = xlsx_with({"xl/worksheets/sheet1.xml": b"\0" * (1 << 30)})  # ~1 MB packed
    assert len(bomb) < 2 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(TableError) as refused:
        read_table(bomb, "list.xlsx")
    assert refused.value.code == "xlsx_too_large"
    assert time.perf_counter() - started < 2


def test_an_archive_whose_members_lie_about_their_size_is_counted_as_it_unpacks() -> None:
    data = xlsx_with({f"xl/part{n}.xml": b"<a/>" + b" " * 400_000 for n in range(5)})
    with pytest.raises(TableError) as refused:
        read_table(data, "list.xlsx", limits=TableLimits(unpacked_bytes=1_000_000, ratio=10**6))
    assert refused.value.code == "xlsx_too_large"


def test_an_xlsx_declaring_xml_entities_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet>&lol;</worksheet>'
    )
    with pytest.raises(TableError) as refused:
        read_table(xlsx_with({"xl/worksheets/sheet1.xml": laughs}), "list.xlsx")
    assert refused.value.code == "xlsx_entities"


def test_too_many_columns_or_too_long_a_cell_is_refused_with_its_own_code() -> None:
    wide = ";".join(f"c{n}" for n in range(101)) + "\n" + ";".join("x" * 101) + "\n"
    with pytest.raises(TableError) as refused:
        read_table(wide.encode(), "list.csv")
    assert refused.value.code == "too_many_columns"
    long_cell = "Тегі;Аты\n" + "а" * 2001 + ";Әсел\n"
    with pytest.raises(TableError) as refused:
        read_table(long_cell.encode(), "list.csv")
    assert refused.value.code == "cell_too_long"

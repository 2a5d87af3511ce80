"""Turn an uploaded CSV or XLSX file into a plain table of stripped strings.

Schools produce these files with whatever they have: Excel in Russian or Kazakh locale (CSV
with ``;`` in Windows-1251, or real XLSX), LibreOffice, Google Sheets (UTF-8 with ``,``).
Nothing is asked of the uploader; encoding and delimiter are detected here and every
failure is a :class:`TableError` with a stable ``code`` for the UI to translate.

Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import openpyxl

ERROR_CODES: Final = frozenset(
    {"empty", "encoding", "not_a_table", "xlsx_broken", "no_header", "too_many_rows",
     "too_many_columns", "cell_too_long", "xlsx_too_large", "xlsx_entities"}
)  # fmt: skip


@dataclass(frozen=True)
class TableLimits:
    """What one uploaded table may cost to read (the import's settings; these are the defaults).

    An XLSX file is a ZIP of XML: a 1 MB file can unpack to gigabytes, and an XML entity can
    expand without end. Every member is unpacked with a cap, and its ratio checked, before
    openpyxl reads a byte; XML that declares a DOCTYPE (entities) is refused, since no
    spreadsheet program writes one.
    """

    rows: int = 50_000
    columns: int = 100
    cell_chars: int = 2_000
    unpacked_bytes: int = 100 * 1024 * 1024
    ratio: int = 200  # unpacked size over packed size, per member


_ZIP_MAGIC: Final = b"PK\x03\x04"

# Formats people upload by mistake. OLE2 covers legacy .xls and password-protected .xlsx:
# neither can be read without more dependencies, so the user is told to re-save.
_BINARY_MAGIC: Final = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\xd0\xcf\x11\xe0", "legacy .xls or password-protected workbook; save as .xlsx"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"{\\rtf", "RTF document"),
)
# Some school systems "export to Excel" by writing HTML or SpreadsheetML with an .xls name.
_MARKUP_PREFIXES: Final = ("<!doctype", "<html", "<?xml", "<table")

# Worksheets formatted down to row 1,048,576 are common; their empty rows still exist in
# the XML. After this many consecutive blank rows the rest of the sheet is not read.
_MAX_BLANK_RUN: Final = 1000

_DELIMITERS: Final = (";", ",", "\t")  # order breaks ties
_SEP_LINE: Final = re.compile(r"\A[ \t]*sep=(.)[ \t]*(?:\r\n|\r|\n)", re.IGNORECASE)
_LONG_NUMBER: Final = re.compile(r"\d{9,}")
# C0 controls other than tab, line breaks, form feed and the DOS end-of-file mark.
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


class TableError(ValueError):
    """The upload is not a table we can read; ``code`` is one of ``ERROR_CODES``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Table:
    """Header and non-blank data rows, numbered as the spreadsheet shows them.

    ``header_row`` is the number of the first non-blank row, which is taken as the header
    (1 unless the file starts with blank rows). Every data row has exactly
    ``len(header)`` cells; trailing unnamed header cells are dropped.
    """

    header: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1


def read_table(
    data: bytes, filename: str, *, max_rows: int | None = None, limits: TableLimits | None = None
) -> Table:
    """Read an uploaded CSV/XLSX file; raise :class:`TableError` when it cannot be read or would
    cost more than ``limits`` allow. ``max_rows`` (or ``limits.rows``) limits non-blank data
    rows (the header not counted)."""
    limits = limits or TableLimits()
    if max_rows is not None:
        limits = TableLimits(max_rows, limits.columns, limits.cell_chars, limits.unpacked_bytes,
                             limits.ratio)  # fmt: skip
    if not data.strip():
        raise TableError("empty", "the file has no content")
    if data.startswith(_ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        _check_archive(data, limits)
        records = _read_xlsx(data, limits.rows)
    else:
        records = _read_csv(_decode(data), limits.rows)
    return _build(records, limits)


def _check_archive(data: bytes, limits: TableLimits) -> None:
    """Unpack every member with a cap before anything parses it: no bomb, no entity."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableError("xlsx_broken", f"not a ZIP archive: {exc}") from None
    total = 0
    for member in members:
        if member.file_size > limits.unpacked_bytes or (
            member.compress_size and member.file_size / member.compress_size > limits.ratio
        ):
            raise TableError("xlsx_too_large", f"{member.filename} unpacks too large")
        head = b""
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(1 << 20):  # the sizes above may lie: count for real
                    total += len(chunk)
                    if total > limits.unpacked_bytes:
                        raise TableError("xlsx_too_large", "the archive unpacks too large")
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
        except TableError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise TableError("xlsx_broken", f"{member.filename}: {exc}") from None
        if member.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head.upper():
            raise TableError("xlsx_entities", f"{member.filename} declares a DOCTYPE")


# --- XLSX -------------------------------------------------------------------------------


def _read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    # openpyxl warns about every extension it drops (data validation, conditional
    # formatting, missing styles from non-Excel writers); none of it matters for reading
    # values, and where warnings are errors (tests, strict deployments) it would reject
    # perfectly good files.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises anything on corrupt input
            raise TableError("xlsx_broken", f"{type(exc).__name__}: {exc}") from exc
        try:
            if not workbook.worksheets:
                raise TableError("empty", "the workbook has no worksheets")
            sheet = workbook.worksheets[0]
            # Many generators write a wrong <dimension>; trusting it silently drops rows.
            sheet.reset_dimensions()
            rows: Iterable[tuple[object, ...]] = sheet.iter_rows(values_only=True)
            return _collect((_xlsx_row(row) for row in rows), max_rows)
        except TableError:
            raise
        except Exception as exc:  # sheets are parsed lazily, so again
            raise TableError("xlsx_broken", f"{type(exc).__name__}: {exc}") from exc
        finally:
            workbook.close()


def _xlsx_row(row: tuple[object, ...]) -> list[str]:
    return [_xlsx_cell(value) for value in row]


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            # Excel stores every number as a double: grade 9 is 9.0 and an IIN typed as a
            # number is 40515500123.0; both must read as the digits the user sees.
            return str(int(value))
        return format(value, ".15g")  # Excel shows at most 15 significant digits
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


# --- CSV --------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise TableError("not_a_table", what)
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's "Unicode text" export, the only way old Excel keeps Kazakh letters.
            text = data.decode("utf-16")
        elif b"\x00" in data:
            raise TableError("not_a_table", "binary content")
        else:
            text = _decode_8bit(data)
    except UnicodeDecodeError as exc:
        raise TableError("encoding", str(exc)) from exc
    _reject_non_text(text)
    return text


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel in a Russian/Kazakh Windows locale saves CSV in the ANSI code page.
        return data.decode("cp1251")


def _reject_non_text(text: str) -> None:
    if not text.strip():
        raise TableError("empty", "the file has no content")
    head = text.lstrip()[:64].lower()
    if head.startswith(_MARKUP_PREFIXES):
        raise TableError("not_a_table", "HTML/XML document, not a spreadsheet")
    controls = len(_CONTROLS.findall(text))
    # cp1251 decodes almost any byte sequence, so binary junk only shows up as controls;
    # a stray one or two in a real list are tolerated.
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise TableError("not_a_table", "binary content")


def _read_csv(text: str, max_rows: int) -> list[list[str]]:
    sep = _SEP_LINE.match(text)
    if sep is not None:
        # Excel's "sep=;" hint line; Excel hides it, so it is not a row either.
        delimiter = sep.group(1)
        text = text[sep.end() :]
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=True,
        strict=False,
    )
    try:
        return _collect(([cell.strip() for cell in row] for row in reader), max_rows)
    except csv.Error as exc:
        raise TableError("not_a_table", f"CSV: {exc}") from exc


def _sniff_delimiter(text: str) -> str:
    """The delimiter used most, outside quotes, on the first line that has content."""
    for counts, has_content in _logical_lines(text):
        if has_content:
            best = max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))
            return best if counts[best] else ","
    # Only separators and blanks: whichever separator it is, the rows come out blank.
    return max(_DELIMITERS, key=text.count)


def _logical_lines(text: str) -> Iterator[tuple[dict[str, int], bool]]:
    """Per line: separators outside quotes, and whether anything but separators is there.

    Like the csv module, a quote opens a quoted field only at the start of a field.
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    has_content = in_quotes = False
    field_start = True
    for ch in text:
        if in_quotes:
            has_content = True
            in_quotes = ch != '"'  # a doubled quote reopens at once
        elif ch in "\r\n":
            yield counts, has_content
            counts = dict.fromkeys(_DELIMITERS, 0)
            has_content, field_start = False, True
        elif ch in counts:
            counts[ch] += 1
            field_start = True
        elif ch == '"' and field_start:
            in_quotes = True
        elif not ch.isspace():
            has_content, field_start = True, False
    yield counts, has_content


# --- shared -----------------------------------------------------------------------------


def _collect(records: Iterable[list[str]], max_rows: int) -> list[list[str]]:
    """Materialise rows, reading just far enough to know whether ``max_rows`` is exceeded."""
    out: list[list[str]] = []
    non_blank = 0
    blank_run = 0
    for cells in records:
        if any(cells):
            blank_run = 0
            non_blank += 1
        else:
            blank_run += 1
            if blank_run > _MAX_BLANK_RUN:
                break
        out.append(cells)
        if non_blank > max_rows + 1:  # header + max_rows data rows + one too many
            break
    return out


def _build(records: list[list[str]], limits: TableLimits) -> Table:
    max_rows = limits.rows
    start = next((i for i, cells in enumerate(records) if any(cells)), None)
    if start is None:
        raise TableError("empty", "the table has no non-blank rows")
    header = list(records[start])
    while header and not header[-1]:
        header.pop()
    if len(header) > limits.columns:
        raise TableError("too_many_columns", f"more than {limits.columns} columns")
    if any(len(cell) > limits.cell_chars for cell in header):
        raise TableError("cell_too_long", f"a column title over {limits.cell_chars} characters")
    if not _looks_like_header(header):
        raise TableError("no_header", "the first row holds data, not column names")
    width = len(header)
    rows: list[tuple[int, list[str]]] = []
    for index in range(start + 1, len(records)):
        cells = records[index]
        if not any(cells):
            continue
        if len(rows) >= max_rows:
            raise TableError("too_many_rows", f"more than {max_rows} rows")
        padded = cells[:width] + [""] * (width - len(cells))
        if any(len(cell) > limits.cell_chars for cell in padded):
            raise TableError(
                "cell_too_long", f"row {index + 1}: a cell over {limits.cell_chars} characters"
            )
        rows.append((index + 1, padded))
    return Table(header=header, rows=rows, header_row=start + 1)


def _looks_like_header(header: list[str]) -> bool:
    # Column names always contain a letter and never an IIN or phone number; a file whose
    # first row fails this was exported without its header.
    has_letter = any(ch.isalpha() for cell in header for ch in cell)
    has_long_number = any(_LONG_NUMBER.search(cell.replace(" ", "")) for cell in header)
    return has_letter and not has_long_number

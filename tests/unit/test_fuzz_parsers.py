"""Every parser of outside input, fed anything: it answers or raises its own domain error, never
anything else (an IndexError, a UnicodeError, a struct.error would be a 500 or a crashed job)."""

from __future__ import annotations

import contextlib
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrity.diplomas import domain as diplomas
from integrity.jury.domain import draw
from integrity.registry.domain import ImportRejected, parse_participants
from integrity.registry.domain.kinds import points_to_units
from integrity.registry.domain.tabular import TableError, read_table
from integrity.scans.domain import codes
from integrity.vault import domain as vault

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
texts = st.text(max_size=200)
printable = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x4FF), max_size=120)


@FUZZ
@given(st.one_of(texts, st.from_regex(r"[0-9A-Z]{1,3}\.[0-9A-Z.\-]{0,40}", fullmatch=True)))
def test_a_scanned_code_reads_as_a_payload_or_a_payload_error(text: str) -> None:
    with contextlib.suppress(codes.PayloadError):
        codes.decode_payload(text)


@FUZZ
@given(texts)
def test_ciphers_and_access_codes_are_valid_or_not_and_nothing_else(text: str) -> None:
    assert codes.cipher_valid(text) in (True, False)
    assert codes.access_code_valid(text) in (True, False)
    codes.normalise_crockford(text)


@FUZZ
@given(
    st.one_of(
        texts,
        st.binary(max_size=300).map(lambda b: b.hex()),
        st.from_regex(r"https?://[a-z.]{1,20}/v/[A-Za-z0-9]{0,200}", fullmatch=True),
    )
)
def test_a_diploma_link_or_code_reads_or_is_not_issued(text: str) -> None:
    try:
        blob = diplomas.from_text(text)
    except diplomas.PayloadError:
        return
    with contextlib.suppress(diplomas.PayloadError):
        diplomas.read(blob)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_behind_a_diploma_link_are_a_payload_or_a_payload_error(blob: bytes) -> None:
    with contextlib.suppress(diplomas.PayloadError):
        diplomas.read(blob)
    with contextlib.suppress(diplomas.PayloadError):
        diplomas.verify(blob, {})


@FUZZ
@given(
    st.one_of(
        texts,
        st.from_regex(
            r"IVS1-[0-9]-[0-9]{1,2}-[A-Z2-7]{0,20}-[A-Z2-7]{0,80}-[A-Z2-7]{4}", fullmatch=True
        ),
    )
)
def test_a_typed_key_share_reads_or_is_a_bad_share(text: str) -> None:
    with contextlib.suppress(vault.BadShare):
        vault.parse_share(text)


@FUZZ
@given(st.lists(texts, max_size=5))
def test_any_typed_shares_combine_or_say_why_not(shares: list[str]) -> None:
    with contextlib.suppress(vault.VaultError):
        vault.combine_shares(shares)


@FUZZ
@given(texts)
def test_a_draw_contribution_is_normalised_and_hashed_whatever_is_typed(text: str) -> None:
    normal = draw.normal_contribution(text)
    assert draw.normal_contribution(normal) == normal
    draw.final_seed("ab" * 32, "cd" * 32, [text])


@FUZZ
@given(texts)
def test_typed_points_read_or_are_refused(text: str) -> None:
    with contextlib.suppress(ValueError):
        points_to_units(text)


def csv_of(rows: list[list[str]], delimiter: str) -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode("utf-8", "surrogatepass")


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.lists(st.lists(printable, min_size=1, max_size=8), min_size=1, max_size=6).map(
            lambda rows: csv_of([["ЖСН", "Тегі", "Аты", "Сынып", "Мектеп", "Пән"], *rows], ";")
        ),
    ),
    st.sampled_from(["list.csv", "list.xlsx", "list.txt", "list"]),
)
def test_an_uploaded_table_reads_or_is_refused_with_a_table_error(data: bytes, name: str) -> None:
    try:
        table = read_table(data, name)
    except TableError:
        return
    with contextlib.suppress(ImportRejected):
        parse_participants(table)


@FUZZ
@given(
    st.binary(min_size=0, max_size=300),
    st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml"]),
)
def test_a_damaged_xlsx_is_a_table_error(junk: bytes, member: str) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, junk)
    with contextlib.suppress(TableError):
        read_table(archive.getvalue(), "list.xlsx")


HEADS = [b"%PDF-1.4\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HEADS), st.binary(max_size=600))
def test_an_uploaded_scan_of_any_bytes_opens_or_is_an_unreadable_file(
    head: bytes, body: bytes
) -> None:
    import tempfile
    from pathlib import Path

    from integrity.scans.domain import reader

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.bin"
        path.write_bytes(head + body)
        try:
            source = reader.open_source(path)
        except reader.UnreadableFile:
            return
        try:
            result = reader.read_page(source, 0)  # an unreadable page is a result, not an error
        finally:
            source.close()
        assert result.index == 0


def _metadata(pairs: list[tuple[str, str | bytes]]) -> str:
    import base64

    return ",".join(
        f"{k} {base64.b64encode(v if isinstance(v, bytes) else v.encode()).decode()}"
        for k, v in pairs
    )


pairs = st.tuples(st.text(max_size=12), st.one_of(st.text(max_size=12), st.binary(max_size=12)))


@FUZZ
@given(st.one_of(texts, st.lists(pairs, max_size=4).map(_metadata)))
def test_upload_metadata_reads_or_is_refused_as_malformed(header: str) -> None:
    from integrity.errors import InvalidInput
    from integrity.uploads.services import parse_metadata

    with contextlib.suppress(InvalidInput):
        found = parse_metadata(header)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in found.items())

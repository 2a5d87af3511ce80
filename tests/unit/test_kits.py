"""Answer-sheet kits: what is printed where, read back as text and as QR codes from rasters."""

from __future__ import annotations

import datetime as dt
import getpass
import io
import socket
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from integrity.scans.domain.codes import (
    CodeType,
    PagePayload,
    encode_payload,
    format_access_code,
    format_payload,
    format_serial,
    luhn32_check,
)
from integrity.scans.domain.kits import (
    BOOKLET_BOX,
    PDF_TITLE,
    ExtraSheetSpec,
    KitHeader,
    KitSpec,
    qr_matrix,
    qr_rects,
    render_kits,
)
from integrity.scans.domain.layout import (
    ANSWER_AREA,
    COVER_TEAR_Y_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    PRINTED_CORNERS,
    QR_MODULE_MM,
    QR_MODULES,
    QR_QUIET_MODULES,
    Box,
    Corner,
    mask_box,
    qr_box,
)

# Rendering kits and reading their codes from rasters: the slow tier, not the unit loop.
pytestmark = pytest.mark.slow

KAZAKH_NAME = "Әміржан Ғалымұлы Қоңырбаев-Өтеғұлов Үміт Һәкімқызы Іңкәр"
RUSSIAN_SCHOOL = "Школа-лицей № 7 имени Ы. Алтынсарина, г. Костанай"
HEADER = KitHeader(
    event_title_kk="Облыстық пән олимпиадасы",
    event_title_ru="Областная предметная олимпиада",
    subject_kk="Физика",
    subject_ru="Физика",
    round_number=2,
    round_code=42,
    held_on=dt.date(2026, 3, 15),
)


def _access_code(body: str) -> str:
    return body + luhn32_check(body)


FIRST = KitSpec(
    header=HEADER,
    serial=12345678,
    answer_pages=2,
    participant_name=KAZAKH_NAME,
    school=RUSSIAN_SCHOOL,
    grade=9,
    room="204",
    seat="12",
    access_code=_access_code("7KQ2M4ABXY"),
)
SECOND = replace(
    FIRST,
    serial=87654321,
    participant_name="Иван Петров",
    school="Гимназия № 3",
    room=None,
    seat=None,
    access_code=_access_code("H3ZD9W0PTR"),
)
KITS = [FIRST, SECOND]
EXTRA = ExtraSheetSpec(HEADER, 55550001)
# (type, serial, page) of each page, in the order the PDF must hold them.
EXPECTED = [
    (CodeType.COVER, 12345678, 0),
    (CodeType.ANSWER, 12345678, 1),
    (CodeType.ANSWER, 12345678, 2),
    (CodeType.COVER, 87654321, 0),
    (CodeType.ANSWER, 87654321, 1),
    (CodeType.ANSWER, 87654321, 2),
    (CodeType.EXTRA, 55550001, 1),
]
PT = 72 / 25.4


def _payload(code_type: CodeType, serial: int, page: int, corner: Corner) -> str:
    return encode_payload(PagePayload(code_type, HEADER.round_code, serial, page, corner))


def _render(kits: list[KitSpec], extras: list[ExtraSheetSpec]) -> tuple[int, bytes]:
    out = io.BytesIO()
    count = render_kits(kits, out, extra_sheets=extras)
    return count, out.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    count, data = _render(KITS, [EXTRA])
    assert count == 2 * (1 + 2) + 1
    return data


@pytest.fixture(scope="module")
def doc(pdf: bytes) -> Iterator[pdfium.PdfDocument]:
    document = pdfium.PdfDocument(pdf)
    yield document
    document.close()


@pytest.fixture(scope="module")
def texts(doc: pdfium.PdfDocument) -> list[str]:
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _raster(doc: pdfium.PdfDocument, dpi: int) -> list[Image.Image]:
    return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]


@pytest.fixture(scope="module")
def rasters(doc: pdfium.PdfDocument) -> list[Image.Image]:
    return _raster(doc, 150)


def _px(mm: float, dpi: int = 150) -> int:
    return round(mm * dpi / 25.4)


def test_the_pdf_holds_each_cover_then_its_answer_pages_then_the_extra_sheets(
    doc: pdfium.PdfDocument,
) -> None:
    assert len(doc) == len(EXPECTED) == 7
    for i in range(len(doc)):
        width, height = doc[i].get_size()
        assert width == pytest.approx(PAGE_WIDTH_MM * PT, abs=0.5)
        assert height == pytest.approx(PAGE_HEIGHT_MM * PT, abs=0.5)


def test_the_cover_names_the_participant_in_kazakh_letters_with_school_and_access_code(
    texts: list[str],
) -> None:
    cover = texts[0]
    for letter in "әғқңөұүһі":
        assert letter in KAZAKH_NAME.lower()
    assert KAZAKH_NAME in cover.replace("\r\n", " ")
    assert RUSSIAN_SCHOOL in cover
    assert format_access_code(KITS[0].access_code) in cover
    assert format_serial(KITS[0].serial) in cover
    assert "Титул парағы / Титульный лист" in cover
    assert "Бұл үзіндіні сақтаңыз / Сохраните этот корешок" in cover
    assert "Иван Петров" in texts[3] and "Иван Петров" not in cover


def test_the_cover_and_its_stub_give_the_rounds_date_in_the_centres_words(
    texts: list[str],
) -> None:
    cover = " ".join(texts[0].split())
    date = "2026 жылғы «15» наурыз / «15» марта 2026 г."
    assert cover.count(f"Күні / Дата: {date}") == 2  # above the participant and on the stub
    assert "—" not in cover


def test_a_cover_printed_before_the_round_has_a_date_leaves_a_line_to_write_it_on() -> None:
    out = io.BytesIO()
    render_kits([replace(FIRST, header=replace(HEADER, held_on=None))], out)
    cover = " ".join(pdfium.PdfDocument(out.getvalue())[0].get_textpage().get_text_range().split())
    assert "Күні / Дата: ____" in cover and "Дата: —" not in cover


def test_every_page_prints_the_payload_of_each_of_its_corners(texts: list[str]) -> None:
    for text, (code_type, serial, page) in zip(texts, EXPECTED, strict=True):
        for corner in PRINTED_CORNERS:
            assert format_payload(_payload(code_type, serial, page, corner)) in text
        assert format_payload(_payload(code_type, serial, page, Corner.TOP_LEFT)) not in text


def test_answer_pages_and_extra_sheets_carry_no_participant_data(texts: list[str]) -> None:
    for text, (code_type, _serial, page) in zip(texts, EXPECTED, strict=True):
        if code_type is CodeType.COVER:
            continue
        for kit in KITS:
            for secret in (
                kit.participant_name,
                kit.school,
                format_access_code(kit.access_code),
                format_serial(kit.serial),
            ):
                assert secret not in text
        if code_type is CodeType.ANSWER:
            assert f"Бет / Стр. {page} / 2" in text
            assert "Жауап парағы / Бланк ответа" in text
        else:
            assert "Қосымша жауап парағы / Дополнительный бланк ответа" in text
            assert "Кітапша нөмірі / Номер бланка" in text


def test_the_access_code_is_on_the_stub_below_the_tear_line_and_the_name_above_it(
    doc: pdfium.PdfDocument,
) -> None:
    textpage = doc[0].get_textpage()
    tear = (PAGE_HEIGHT_MM - COVER_TEAR_Y_MM) * PT
    stub = textpage.get_text_bounded(0, 0, PAGE_WIDTH_MM * PT, tear)
    above = textpage.get_text_bounded(0, tear, PAGE_WIDTH_MM * PT, PAGE_HEIGHT_MM * PT)
    code = format_access_code(KITS[0].access_code)
    assert code in stub and code not in above
    assert "Апелляцияға кіру коды / Код доступа для апелляции" in stub
    assert "Қатысушы" not in stub and "Қатысушы / Участник" in above
    assert all(
        format_payload(_payload(CodeType.COVER, KITS[0].serial, 0, corner)) not in stub
        for corner in PRINTED_CORNERS
    )


def test_on_answer_and_extra_pages_the_mask_boxes_hold_nothing_but_the_payload_texts(
    doc: pdfium.PdfDocument,
) -> None:
    for index, (code_type, serial, page) in enumerate(EXPECTED):
        if code_type is CodeType.COVER:
            continue
        textpage = doc[index].get_textpage()
        for corner in PRINTED_CORNERS:
            box = mask_box(corner)
            inside = textpage.get_text_bounded(
                box.left * PT,
                (PAGE_HEIGHT_MM - box.bottom) * PT,
                box.right * PT,
                (PAGE_HEIGHT_MM - box.top) * PT,
            )
            assert inside.strip() == format_payload(_payload(code_type, serial, page, corner))
    # The booklet number an invigilator writes on an extra sheet survives masking, so the
    # attach queue (which shows masked pages) can read it.
    assert not any(_overlap(BOOKLET_BOX, mask_box(corner)) for corner in PRINTED_CORNERS)


def _quadrant_ok(corner: Corner, x: float, y: float, image: Image.Image) -> bool:
    right, lower = x > image.width / 2, y > image.height / 2
    return {
        Corner.TOP_RIGHT: right and not lower,
        Corner.BOTTOM_RIGHT: right and lower,
        Corner.BOTTOM_LEFT: lower and not right,
    }[corner]


def test_every_page_yields_its_three_codes_in_their_corners_at_150_dpi(
    rasters: list[Image.Image],
) -> None:
    for image, (code_type, serial, page) in zip(rasters, EXPECTED, strict=True):
        results = zxingcpp.read_barcodes(image)
        assert len(results) == 3
        found = {r.text: r for r in results}
        for corner in PRINTED_CORNERS:
            result = found[_payload(code_type, serial, page, corner)]
            p = result.position
            cx = (p.top_left.x + p.top_right.x + p.bottom_left.x + p.bottom_right.x) / 4
            cy = (p.top_left.y + p.top_right.y + p.bottom_left.y + p.bottom_right.y) / 4
            assert _quadrant_ok(corner, cx, cy, image)
            box = qr_box(corner, cover=code_type is CodeType.COVER)
            assert cx == pytest.approx(_px(box.left + box.width / 2), abs=3)
            assert cy == pytest.approx(_px(box.top + box.height / 2), abs=3)


def test_every_page_still_yields_a_code_at_100_dpi(doc: pdfium.PdfDocument) -> None:
    for image, (code_type, serial, page) in zip(_raster(doc, 100), EXPECTED, strict=True):
        texts = {r.text for r in zxingcpp.read_barcodes(image)}
        wanted = {_payload(code_type, serial, page, c) for c in PRINTED_CORNERS}
        assert texts & wanted
        assert texts <= wanted


def test_the_printed_code_measures_21_modules_of_the_layout_module_size(
    rasters: list[Image.Image],
) -> None:
    expected = QR_MODULES * QR_MODULE_MM * 150 / 25.4  # 93 px
    for image, (code_type, _serial, _page) in zip(rasters, EXPECTED, strict=True):
        pixels = np.asarray(image)
        for result in zxingcpp.read_barcodes(image):
            p = result.position
            assert p.top_right.x - p.top_left.x == pytest.approx(expected, rel=0.05)
            assert p.bottom_left.y - p.top_left.y == pytest.approx(expected, rel=0.05)
        for corner in PRINTED_CORNERS:
            box = qr_box(corner, cover=code_type is CodeType.COVER)
            quiet = QR_QUIET_MODULES * QR_MODULE_MM
            region = pixels[
                _px(box.top - quiet) : _px(box.bottom + quiet),
                _px(box.left - quiet) : _px(box.right + quiet),
            ]
            rows = np.flatnonzero((region < 128).any(axis=1))
            cols = np.flatnonzero((region < 128).any(axis=0))
            assert rows[-1] - rows[0] + 1 == pytest.approx(expected, rel=0.05)
            assert cols[-1] - cols[0] + 1 == pytest.approx(expected, rel=0.05)


def test_the_modules_are_solid_black(rasters: list[Image.Image]) -> None:
    pixels = np.asarray(rasters[1])
    box = qr_box(Corner.TOP_RIGHT)
    finder = pixels[_px(box.top) + 1 : _px(box.top + 7 * QR_MODULE_MM) - 1, _px(box.left) + 1]
    assert finder.max() < 40


def test_the_quiet_zone_around_every_code_is_white(rasters: list[Image.Image]) -> None:
    quiet = QR_QUIET_MODULES * QR_MODULE_MM
    for image, (code_type, _serial, _page) in zip(rasters, EXPECTED, strict=True):
        pixels = np.asarray(image)
        for corner in PRINTED_CORNERS:
            box = qr_box(corner, cover=code_type is CodeType.COVER)
            outer = pixels[
                _px(box.top - quiet) : _px(box.bottom + quiet),
                _px(box.left - quiet) : _px(box.right + quiet),
            ].copy()
            margin = _px(quiet) - 1  # one pixel of give for the anti-aliased symbol edge
            outer[margin:-margin, margin:-margin] = 255
            assert (outer < 240).sum() <= 3, (corner, code_type)


def test_the_answer_area_is_ruled_in_light_grey_and_clear_of_masks_and_codes(
    rasters: list[Image.Image],
) -> None:
    for corner in Corner:
        mask = mask_box(corner)
        assert not _overlap(mask, ANSWER_AREA)
    quiet = QR_QUIET_MODULES * QR_MODULE_MM
    for corner in PRINTED_CORNERS:
        box = qr_box(corner)
        zone = Box(box.left - quiet, box.top - quiet, box.width + 2 * quiet, box.height + 2 * quiet)
        assert not _overlap(zone, ANSWER_AREA)
    for index in (1, 6):
        area = np.asarray(rasters[index])[
            _px(ANSWER_AREA.top) - 2 : _px(ANSWER_AREA.bottom) + 2,
            _px(ANSWER_AREA.left) - 2 : _px(ANSWER_AREA.right) + 2,
        ]
        assert area.min() >= 150  # no black anywhere in it
        ruled_rows = np.flatnonzero((area < 240).mean(axis=1) > 0.9)
        assert len(ruled_rows) >= 20  # a rule about every 8 mm, a pixel or two thick


def _overlap(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def test_the_pdf_is_deterministic_and_its_metadata_names_no_machine_or_person(
    pdf: bytes, doc: pdfium.PdfDocument
) -> None:
    assert _render(KITS, [EXTRA])[1] == pdf
    metadata = doc.get_metadata_dict()
    assert metadata["Title"] == PDF_TITLE
    values = " ".join(metadata.values()).lower()
    for local in {getpass.getuser(), socket.gethostname()} - {""}:
        assert local.lower() not in values


def test_long_names_titles_and_schools_shrink_to_fit_the_cover() -> None:
    long_header = replace(
        HEADER,
        event_title_kk="Облыстық мектеп оқушыларына арналған жалпы білім беретін пәндер бойынша "
        * 3,
        event_title_ru="Областная олимпиада школьников по общеобразовательным предметам " * 3,
        subject_kk="Информатика және ақпараттық-коммуникациялық технологиялар " * 2,
    )
    kit = replace(
        KITS[0],
        header=long_header,
        participant_name=KAZAKH_NAME * 4,
        school=RUSSIAN_SCHOOL * 5,
        room="Аудитория 1234567890",
        seat="Орын 1234567890",
        answer_pages=1,
    )
    count, data = _render([kit], [ExtraSheetSpec(long_header, 1)])
    assert count == 3
    document = pdfium.PdfDocument(data)
    try:
        for page, image in enumerate(_raster(document, 150)):
            assert len(zxingcpp.read_barcodes(image)) == 3, page
        tear = (PAGE_HEIGHT_MM - COVER_TEAR_Y_MM) * PT
        stub = document[0].get_textpage().get_text_bounded(0, 0, PAGE_WIDTH_MM * PT, tear)
        assert "Әміржан" not in stub
    finally:
        document.close()


def test_qr_matrices_are_version_1_and_their_rectangles_cover_exactly_the_dark_modules() -> None:
    for serial in (10000000, 12345678, 99999999):
        matrix = qr_matrix(_payload(CodeType.ANSWER, serial, 7, Corner.BOTTOM_LEFT))
        assert len(matrix) == QR_MODULES and all(len(row) == QR_MODULES for row in matrix)
        covered = [[0] * QR_MODULES for _ in range(QR_MODULES)]
        for x, y, w, h in qr_rects(matrix):
            for row in range(y, y + h):
                for col in range(x, x + w):
                    covered[row][col] += 1
        assert covered == [[int(dark) for dark in row] for row in matrix]


@pytest.mark.parametrize(
    "kit",
    [
        replace(KITS[0], answer_pages=0),
        replace(KITS[0], answer_pages=100),
        replace(KITS[0], access_code="7KQ2M4ABXY0"),  # wrong check symbol
        replace(KITS[0], access_code=KITS[0].access_code.lower()),
        replace(KITS[0], access_code=KITS[0].access_code[:10]),
    ],
)
def test_a_kit_that_cannot_be_printed_as_specified_is_refused(kit: KitSpec) -> None:
    if kit.access_code == "7KQ2M4ABXY0":
        assert luhn32_check("7KQ2M4ABXY") != "0"
    with pytest.raises(ValueError, match=r"pages|access code"):
        render_kits([kit], io.BytesIO())


def test_nothing_to_print_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing to print"):
        render_kits([], io.BytesIO())

"""The scan reader: files refused as a whole, pages decoded or rendered, codes found on a page fed
any way round, the page straightened and its codes masked, so that a juror's copy holds no code
and every answer."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas

import integrity
from integrity.scans.domain import codes, layout, reader
from integrity.scans.domain.codes import CodeType, PagePayload
from integrity.scans.domain.kits import ExtraSheetSpec, KitHeader, KitSpec, render_kits
from integrity.scans.domain.layout import ANSWER_AREA, BOOKLET_BOX, PRINTED_CORNERS, Box, Corner
from integrity.scans.domain.simulate import ScanPdfWriter, destroy_codes, rasterise_page

ROUND_CODE = 42
KIT_SERIAL = 12345678
EXTRA_SERIAL = 87654321
HEADER = KitHeader(
    event_title_kk="Облыстық пән олимпиадасы",
    event_title_ru="Областная предметная олимпиада",
    subject_kk="Физика",
    subject_ru="Физика",
    round_number=1,
    round_code=ROUND_CODE,
    held_on=dt.date(2026, 3, 15),
)

# Rendering pages and reading their codes: the slow tier, not the unit loop.
pytestmark = pytest.mark.slow
# Kit page indices: the cover, answer pages 1 and 2, then the extra sheet.
COVER, ANSWER_1, ANSWER_2, EXTRA = 0, 1, 2, 3
KINDS = {"cover": COVER, "answer": ANSWER_2, "extra": EXTRA}
IDENTITIES = {
    "cover": (CodeType.COVER, ROUND_CODE, KIT_SERIAL, 0),
    "answer": (CodeType.ANSWER, ROUND_CODE, KIT_SERIAL, 2),
    "extra": (CodeType.EXTRA, ROUND_CODE, EXTRA_SERIAL, 1),
}
QUARTERS = (0, 90, 180, 270)
SKEWS = (-3.0, -1.2, 0.0, 2.5)
A4_PX_200 = (1654, 2339)
INK_MM = 6.0  # the side of an ink square drawn in each inner corner of the answer area
DARK, LIGHT = 128, 200
FONT_BOLD = Path(integrity.__file__).parent / "assets" / "fonts" / "DejaVuSans-Bold.ttf"


# --- the kit and its pages ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One kit (cover and two answer pages) and one extra sheet, as printed."""
    kit = KitSpec(
        header=HEADER,
        serial=KIT_SERIAL,
        answer_pages=2,
        participant_name="Әміржан Қоңырбаев",
        school="Школа-лицей № 7",
        grade=9,
        room="204",
        seat="12",
        access_code=codes.new_access_code(random.Random(1).randrange),
    )
    path = tmp_path_factory.mktemp("reader") / "kit.pdf"
    with path.open("wb") as out:
        pages = render_kits([kit], out, extra_sheets=[ExtraSheetSpec(HEADER, EXTRA_SERIAL)])
    assert pages == 4
    return path


@pytest.fixture(scope="module")
def raster(kit_pdf: Path) -> Iterator[Callable[[int, int], Image.Image]]:
    """Kit page ``index`` rasterised at ``dpi`` (a fresh copy each call, cached underneath)."""
    pdf = pdfium.PdfDocument(kit_pdf)
    cache: dict[tuple[int, int], Image.Image] = {}

    def get(index: int, dpi: int) -> Image.Image:
        if (index, dpi) not in cache:
            cache[index, dpi] = rasterise_page(pdf, index, dpi)
        return cache[index, dpi].copy()

    yield get
    pdf.close()


def _px(image: Image.Image) -> float:
    """Pixels per mm of a portrait page image."""
    return min(image.size) / layout.PAGE_WIDTH_MM


def _ink_squares() -> list[Box]:
    """An ink square inside each corner of the answer area, 1 mm in from its edges: the answers
    closest to the mask boxes."""
    a, s = ANSWER_AREA, INK_MM
    lefts, tops = (a.left + 1, a.right - 1 - s), (a.top + 1, a.bottom - 1 - s)
    return [Box(x, y, s, s) for y in tops for x in lefts]


def _with_answers(page: Image.Image) -> Image.Image:
    s = _px(page)
    draw = ImageDraw.Draw(page)
    for box in _ink_squares():
        draw.rectangle((box.left * s, box.top * s, box.right * s, box.bottom * s), fill=0)
    return page


def _turned(image: Image.Image, angle: float) -> Image.Image:
    """The sheet turned ``angle`` degrees counter-clockwise on the glass, as a scanner returns it.

    PIL turns counter-clockwise and ``expand`` lets a quarter turn come out landscape; the result
    is then cut back to the sheet's frame (portrait or landscape), as a scanner's image is the
    sheet's size, which is what the reader takes its resolution from.
    """
    turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    w, h = image.size
    if round(angle / 90) % 2:
        w, h = h, w
    left, top = (turned.width - w) // 2, (turned.height - h) // 2
    return turned.crop((left, top, left + w, top + h))


def _skewed(x: float, y: float, size: tuple[int, int], angle: float) -> tuple[float, float]:
    """Where the pixel (x, y) of an upright page lies once the page is turned ``angle`` degrees
    counter-clockwise about its centre (y points down)."""
    cx, cy = size[0] / 2, size[1] / 2
    dx, dy = x - cx, y - cy
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return cx + c * dx + s * dy, cy - s * dx + c * dy


def _values_at(
    image: Image.Image, points: np.ndarray, size: tuple[int, int], angle: float
) -> np.ndarray:
    """The grey levels of ``image`` at ``points`` ((x, y) pixels of an upright page of ``size``)
    once that page is turned by ``angle``; points falling off the image are dropped."""
    cx, cy = size[0] / 2, size[1] / 2
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    dx, dy = points[:, 0] - cx, points[:, 1] - cy
    xs = np.rint(cx + c * dx + s * dy).astype(int)
    ys = np.rint(cy - s * dx + c * dy).astype(int)
    inside = (xs >= 0) & (xs < image.width) & (ys >= 0) & (ys < image.height)
    return np.asarray(image)[ys[inside], xs[inside]]


def _dark_points(image: Image.Image, boxes: list[Box]) -> np.ndarray:
    """The (x, y) of every dark pixel of an upright page inside ``boxes`` (mm)."""
    s, pixels = _px(image), np.asarray(image)
    found = []
    for box in boxes:
        left, top = max(0, int(box.left * s)), max(0, int(box.top * s))
        right, bottom = min(image.width, int(box.right * s)), min(image.height, int(box.bottom * s))
        ys, xs = np.nonzero(pixels[top:bottom, left:right] < DARK)
        found.append(np.column_stack((xs + left, ys + top)))
    return np.concatenate(found)


def _darkest_near(image: Image.Image, x: float, y: float, r: int = 3) -> int:
    return int(
        np.asarray(image)[round(y) - r : round(y) + r + 1, round(x) - r : round(x) + r + 1].max()
    )


@pytest.fixture(scope="module")
def scans(
    raster: Callable[[int, int], Image.Image],
) -> Callable[[str, float], tuple[Image.Image, Image.Image]]:
    """(upright page with answers, the same page scanned turned by ``angle``) at 200 dpi, cached:
    the turn table and the mask table share them."""
    pages: dict[str, Image.Image] = {}
    turned: dict[tuple[str, float], Image.Image] = {}

    def get(kind: str, angle: float) -> tuple[Image.Image, Image.Image]:
        if kind not in pages:
            page = raster(KINDS[kind], 200)
            pages[kind] = page if kind == "cover" else _with_answers(page)
        if (kind, angle) not in turned:
            turned[kind, angle] = _turned(pages[kind], angle)
        return pages[kind], turned[kind, angle]

    return get


def _identity(payload: PagePayload | None) -> tuple[CodeType, int, int, int] | None:
    if payload is None:
        return None
    return payload.code_type, payload.round_code, payload.serial, payload.page


def _difference(a: float, b: float) -> float:
    """a − b in degrees, reduced to [−180, 180)."""
    return (a - b + 180) % 360 - 180


# --- 1. a page fed any way round ---------------------------------------------------------------


@pytest.mark.parametrize("skew", SKEWS)
@pytest.mark.parametrize("quarter", QUARTERS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_a_page_fed_any_way_round_is_identified_and_its_turn_measured(
    scans: Callable[[str, float], tuple[Image.Image, Image.Image]],
    kind: str,
    quarter: int,
    skew: float,
) -> None:
    angle = quarter + skew
    upright_page, scan = scans(kind, angle)
    reading = reader.interpret(reader.find_codes(scan), scan.size)
    assert reading.problem is None
    assert _identity(reading.payload) == IDENTITIES[kind]
    # Reading.rotation turns the image counter-clockwise to straighten it: it undoes the turn.
    tolerance = 0.5
    assert abs(_difference(reading.rotation, -angle)) <= tolerance
    upright, residual = reader.turn_upright(scan, reading.rotation)
    assert upright.size == upright_page.size  # portrait again
    assert abs(_difference(residual, -skew)) <= tolerance


def test_a_cover_is_read_from_all_three_of_its_codes(
    raster: Callable[[int, int], Image.Image],
) -> None:
    reads = reader.find_codes(raster(COVER, 200))
    assert sorted(r.payload.corner for r in reads) == sorted(PRINTED_CORNERS)


# --- 2. masking --------------------------------------------------------------------------------


@pytest.mark.parametrize("skew", SKEWS)
@pytest.mark.parametrize("quarter", QUARTERS)
@pytest.mark.parametrize("kind", ["answer", "extra"])
def test_a_straightened_masked_page_holds_no_code_and_every_answer(
    scans: Callable[[str, float], tuple[Image.Image, Image.Image]],
    kind: str,
    quarter: int,
    skew: float,
) -> None:
    upright_page, scan = scans(kind, quarter + skew)
    reading = reader.interpret(reader.find_codes(scan), scan.size)
    upright, residual = reader.turn_upright(scan, reading.rotation)
    masked = reader.mask_codes(upright, residual)  # what read_page does

    assert zxingcpp.read_barcodes(masked) == []  # every format, not only QR
    # Every printed pixel of the code corners (symbols and the digits beside them) is painted over.
    printed = _dark_points(upright_page, [layout.mask_box(c) for c in PRINTED_CORNERS])
    assert len(printed) > 1000
    covered = _values_at(masked, printed, masked.size, skew)
    assert len(covered) > 0.95 * len(printed)
    assert covered.min() >= LIGHT
    # The answers nearest the masks survive.
    s = _px(masked)
    for box in _ink_squares():
        centre = _skewed(
            (box.left + box.width / 2) * s, (box.top + box.height / 2) * s, masked.size, skew
        )
        assert _darkest_near(masked, *centre) < DARK, box


# --- 3. extra sheets ---------------------------------------------------------------------------


def _write_booklet_serial(page: Image.Image, digits: str = "1234-5678") -> None:
    """The invigilator writes the booklet's serial into the cells of the booklet box."""
    s = _px(page)
    font = ImageFont.truetype(str(FONT_BOLD), round(7.5 * s))
    draw = ImageDraw.Draw(page)
    box, cell, gap = BOOKLET_BOX, 6.0, 4.0
    x = box.left + (box.width - 8 * cell - gap) / 2
    for ch in digits:
        width = gap if ch == "-" else cell
        if ch != "-":
            draw.text(
                ((x + width / 2) * s, (box.top + 11.5) * s), ch, fill=25, font=font, anchor="mm"
            )
        x += width


def _scan_pdf(path: Path, pages: list[Image.Image], dpi: int, **save: Any) -> Path:
    with path.open("wb") as out, ScanPdfWriter(out) as writer:
        for page in pages:
            buffer = io.BytesIO()
            page.save(buffer, "JPEG", quality=85, **save)
            writer.add_jpeg_page(buffer.getvalue(), page.width, page.height, dpi)
    return path


@pytest.mark.parametrize("angle", [0.0, 181.5, 88.0], ids=["upright", "upside-down", "sideways"])
def test_an_extra_sheet_shows_the_booklet_serial_in_the_queue_and_hides_it_from_the_jury(
    raster: Callable[[int, int], Image.Image], tmp_path: Path, angle: float
) -> None:
    blank = raster(EXTRA, 150)
    written = blank.copy()
    _write_booklet_serial(written)
    writing = np.argwhere((np.asarray(written) < DARK) & (np.asarray(blank) >= DARK))[:, ::-1]
    assert len(writing) > 500
    path = _scan_pdf(tmp_path / "extra.pdf", [_turned(written, angle)], 150)

    with reader.open_source(path) as source:
        result = reader.read_page(source, 0)
    assert _identity(result.payload) == IDENTITIES["extra"]
    assert result.problem is None and result.cover_jpeg is None
    assert result.masked_jpeg is not None and result.raw_jpeg is not None
    masked = Image.open(io.BytesIO(result.masked_jpeg))
    queue_copy = Image.open(io.BytesIO(result.raw_jpeg))
    skew = angle - round(angle / 90) * 90  # the turn turn_upright leaves in the pixels
    for image in (masked, queue_copy):
        assert image.size == written.size
        assert zxingcpp.read_barcodes(image) == []

    in_queue = _values_at(queue_copy, writing, written.size, skew)
    assert np.mean(in_queue < DARK) > 0.6  # the serial can be read in the queue
    s, b = _px(masked), BOOKLET_BOX
    grid = np.array(
        [
            (x * s, y * s)
            for x in np.linspace(b.left, b.right, 40)
            for y in np.linspace(b.top, b.bottom, 15)
        ]
    )
    assert _values_at(masked, grid, masked.size, skew).min() >= LIGHT  # the box is blank
    assert _values_at(masked, writing, written.size, skew).min() >= LIGHT


# --- 4. what a page's codes say together -------------------------------------------------------


def test_a_page_without_codes_is_reported_as_having_none(
    raster: Callable[[int, int], Image.Image],
) -> None:
    assert reader.interpret([], A4_PX_200) == reader.Reading(None, 0.0, "no_code")
    blank = Image.new("L", (1240, 1754), 255)
    assert reader.interpret(reader.find_codes(blank), blank.size).problem == "no_code"
    blotted = destroy_codes(raster(ANSWER_1, 150), random.Random(2))
    assert reader.interpret(reader.find_codes(blotted), blotted.size).problem == "no_code"


def _paste_code(
    page: Image.Image, donor: Image.Image, corner: Corner, onto: Corner | None = None
) -> None:
    """Paste the donor's code printed in ``corner`` (with its quiet zone) where the page prints
    the code of ``onto``."""
    s, q = _px(page), layout.QR_QUIET_MODULES * layout.QR_MODULE_MM
    box, to = layout.qr_box(corner), layout.qr_box(onto or corner)
    region = [round(v * s) for v in (box.left - q, box.top - q, box.right + q, box.bottom + q)]
    page.paste(donor.crop(tuple(region)), (round((to.left - q) * s), round((to.top - q) * s)))


@pytest.mark.parametrize("donor", [ANSWER_2, COVER, EXTRA], ids=["other-page", "cover", "extra"])
def test_codes_of_two_pages_on_one_image_are_a_conflict(
    raster: Callable[[int, int], Image.Image], donor: int
) -> None:
    page = raster(ANSWER_1, 150)
    _paste_code(page, raster(donor, 150), Corner.TOP_RIGHT)
    reads = reader.find_codes(page)
    assert len({_identity(r.payload) for r in reads}) == 2
    reading = reader.interpret(reads, page.size)
    assert reading.payload is None
    assert reading.problem == "conflict"


def test_a_code_in_a_corner_it_does_not_name_is_a_corner_mismatch(
    raster: Callable[[int, int], Image.Image],
) -> None:
    page = raster(ANSWER_1, 150)
    _paste_code(page, page.copy(), Corner.TOP_RIGHT, onto=Corner.TOP_LEFT)  # the staple corner
    reads = reader.find_codes(page)
    assert sorted(r.payload.corner for r in reads) == [Corner.TOP_RIGHT, *PRINTED_CORNERS]
    reading = reader.interpret(reads, page.size)
    assert (reading.payload, reading.problem) == (None, "corner_mismatch")


# --- 5. files refused as a whole, and images accepted --------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A real 4×4 PNG whose header (IHDR, with its CRC fixed) claims ``width``×``height``."""
    buffer = io.BytesIO()
    Image.new("L", (4, 4), 255).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, encrypt="secret")
    c.drawString(100, 700, "answers")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    ScanPdfWriter(buffer).close()
    return buffer.getvalue()


BAD_FILES = [
    pytest.param(lambda kit: b"", "empty", id="empty-file"),
    pytest.param(lambda kit: random.Random(7).randbytes(4096), "not_a_scan", id="random-bytes"),
    pytest.param(lambda kit: b"GIF89a" + bytes(64), "not_a_scan", id="gif"),
    pytest.param(lambda kit: _png_claiming(4, 4)[:16], "not_a_scan", id="png-signature-only"),
    pytest.param(lambda kit: kit[: len(kit) // 2], "broken_pdf", id="truncated-pdf"),
    pytest.param(lambda kit: b"%PDF-1.7\n", "broken_pdf", id="pdf-header-only"),
    pytest.param(lambda kit: _encrypted_pdf(), "encrypted_pdf", id="encrypted-pdf"),
    pytest.param(
        lambda kit: _png_claiming(100_000, 100_000), "too_large", id="png-claiming-100000x100000"
    ),
    pytest.param(
        lambda kit: _pdf_without_pages(),
        "empty",
        id="pdf-without-pages",
    ),
]


@pytest.mark.parametrize(("make", "code"), BAD_FILES)
def test_a_file_that_is_no_readable_scan_is_refused_with_its_reason(
    kit_pdf: Path, tmp_path: Path, make: Callable[[bytes], bytes], code: str
) -> None:
    data = make(kit_pdf.read_bytes())
    path = tmp_path / "upload"
    path.write_bytes(data)
    with pytest.raises(reader.UnreadableFile) as refused:
        reader.open_source(path)
    assert refused.value.code == code


def test_the_encrypted_and_truncated_files_of_the_table_are_what_they_claim(kit_pdf: Path) -> None:
    assert _encrypted_pdf().startswith(b"%PDF-") and b"/Encrypt" in _encrypted_pdf()
    kit = kit_pdf.read_bytes()
    assert kit[: len(kit) // 2].startswith(b"%PDF-")
    assert reader.sniff_kind(kit) == "pdf"


def test_a_png_just_over_the_pixel_limit_is_refused_though_pillow_only_warns(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_png_claiming(9000, 9000))  # 81 Mpx: over 60 Mpx, under Pillow's 2× error
    with (
        pytest.warns(Image.DecompressionBombWarning),
        pytest.raises(reader.UnreadableFile) as refused,
    ):
        reader.open_source(path)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.4\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
        (b"II*\x00\x08\x00", "image"),
        (b"MM\x00*\x00\x00", "image"),
    ],
    ids=["pdf", "jpeg", "png", "tiff-le", "tiff-be"],
)
def test_the_kind_of_a_file_is_told_by_its_first_bytes(head: bytes, kind: str) -> None:
    assert reader.sniff_kind(head) == kind


def test_a_jpeg_is_one_page_and_a_two_page_tiff_two(tmp_path: Path) -> None:
    jpeg = tmp_path / "scan.jpg"
    Image.new("RGB", (300, 420), (200, 10, 10)).save(jpeg, "JPEG")
    with reader.open_source(jpeg) as source:
        assert (source.kind, source.pages) == ("image", 1)
        page = reader.load_page(source, 0)
    assert (page.mode, page.size) == ("L", (300, 420))

    tiff = tmp_path / "scan.tif"
    first, second = Image.new("L", (210, 297), 255), Image.new("L", (297, 210), 0)
    first.save(tiff, "TIFF", save_all=True, append_images=[second])
    with reader.open_source(tiff) as source:
        assert (source.kind, source.pages) == ("image", 2)
        pages = [reader.load_page(source, i) for i in range(2)]
    assert [(p.mode, p.size) for p in pages] == [("L", (210, 297)), ("L", (297, 210))]
    assert pages[1].getextrema() == (0, 0)


# --- 6. PDF pages: decoded or rendered ---------------------------------------------------------


def test_a_pdf_page_of_one_jpeg_is_decoded_from_the_jpeg_not_rendered(tmp_path: Path) -> None:
    rng = random.Random(5)
    image = Image.frombytes("L", (1240, 1754), rng.randbytes(1240 * 1754))  # A4 at 150 dpi
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as out, ScanPdfWriter(out) as writer:
        writer.add_jpeg_page(buffer.getvalue(), 1240, 1754, 150)

    with reader.open_source(path) as source:
        assert (source.kind, source.pages) == ("pdf", 1)
        page = reader.load_page(source, 0)
    assert page.size == (1240, 1754)  # rendering would give 200 dpi: 1654 × 2339
    decoded = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    assert np.array_equal(np.asarray(page), np.asarray(decoded))


def test_a_vector_pdf_page_is_rendered_at_200_dpi(kit_pdf: Path) -> None:
    with reader.open_source(kit_pdf) as source:
        assert (source.kind, source.pages) == ("pdf", 4)
        page = reader.load_page(source, ANSWER_1)
    assert page.mode == "L"
    assert abs(page.width - A4_PX_200[0]) <= 1 and abs(page.height - A4_PX_200[1]) <= 1


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) claims ``width``×``height``."""
    buffer = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _pdf_of_jpeg(path: Path, jpeg: bytes) -> Path:
    with path.open("wb") as out, ScanPdfWriter(out) as writer:
        writer.add_jpeg_page(jpeg, 1240, 1754, 150)  # an A4 page: only the JPEG is too large
    return path


def test_a_pdf_page_whose_jpeg_is_just_over_the_pixel_limit_is_too_large(tmp_path: Path) -> None:
    path = _pdf_of_jpeg(tmp_path / "big.pdf", _jpeg_claiming(9000, 9000))
    with (
        reader.open_source(path) as source,
        pytest.warns(Image.DecompressionBombWarning),
        pytest.raises(reader.UnreadableFile) as refused,
    ):
        reader.load_page(source, 0)
    assert refused.value.code == "too_large"


def test_a_pdf_page_whose_jpeg_claims_a_huge_size_is_too_large(tmp_path: Path) -> None:
    path = _pdf_of_jpeg(tmp_path / "huge.pdf", _jpeg_claiming(60_000, 60_000))
    with reader.open_source(path) as source, pytest.raises(reader.UnreadableFile) as refused:
        reader.load_page(source, 0)
    assert refused.value.code == "too_large"


# --- read_page as a whole ----------------------------------------------------------------------


def test_each_kind_of_page_gets_the_copies_it_needs(
    raster: Callable[[int, int], Image.Image], tmp_path: Path
) -> None:
    pages = [
        _turned(raster(i, 150), a) for i, a in ((COVER, 180.0), (ANSWER_1, 1.0), (EXTRA, -2.0))
    ]
    pages.append(Image.new("L", pages[0].size, 250))
    path = _scan_pdf(tmp_path / "batch.pdf", pages, 150)
    with reader.open_source(path) as source:
        cover, answer, extra, blank = (reader.read_page(source, i) for i in range(4))

    assert (cover.payload and cover.payload.page, cover.problem) == (0, None)
    assert cover.cover_jpeg and not cover.masked_jpeg and not cover.raw_jpeg
    assert abs(_difference(cover.rotation, 180.0)) <= 1.0
    # The vault keeps the cover as scanned: the scanner's own JPEG, not decoded and re-encoded.
    with pdfium.PdfDocument(path) as pdf:
        (embedded,) = pdf[0].get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1)
        scanned = io.BytesIO()
        embedded.extract(scanned)
    assert cover.cover_jpeg == scanned.getvalue()
    kept = Image.open(io.BytesIO(cover.cover_jpeg))
    assert len(zxingcpp.read_barcodes(kept)) == 3  # a cover is sealed, not masked

    assert (answer.payload and answer.payload.page, answer.problem) == (1, None)
    assert answer.masked_jpeg and not answer.raw_jpeg and not answer.cover_jpeg
    assert (extra.payload and extra.payload.code_type) is CodeType.EXTRA
    assert extra.masked_jpeg and extra.raw_jpeg and not extra.cover_jpeg

    assert (blank.index, blank.payload, blank.problem, blank.rotation) == (3, None, "no_code", 0.0)
    assert blank.raw_jpeg and not blank.masked_jpeg and not blank.cover_jpeg
    assert Image.open(io.BytesIO(blank.raw_jpeg)).size == pages[3].size


# --- 7. a code typed by a person ---------------------------------------------------------------


def _typed_page(raster: Callable[[int, int], Image.Image]) -> tuple[Image.Image, Box, PagePayload]:
    """An upright answer page with its codes blotted out and one answer high on the left."""
    page = raster(ANSWER_2, 150)
    answer = Box(ANSWER_AREA.left + 10, ANSWER_AREA.top + 10, 30, 20)
    s = _px(page)
    ImageDraw.Draw(page).rectangle(
        (answer.left * s, answer.top * s, answer.right * s, answer.bottom * s), fill=0
    )
    page = destroy_codes(page, random.Random(3))
    payload = PagePayload(CodeType.ANSWER, ROUND_CODE, KIT_SERIAL, 2, Corner.TOP_RIGHT)
    return page, answer, payload


def _answer_shows(image: Image.Image, answer: Box) -> tuple[bool, bool]:
    """(dark where the answer was written, dark where it would be were the page upside down)."""
    s = _px(image)
    x, y = (answer.left + answer.width / 2) * s, (answer.top + answer.height / 2) * s
    flipped = (image.width - x, image.height - y)
    return _darkest_near(image, x, y) < DARK, _darkest_near(image, *flipped) < DARK


def test_a_typed_code_straightens_an_upside_down_page_and_masks_it(
    raster: Callable[[int, int], Image.Image],
) -> None:
    page, answer, payload = _typed_page(raster)
    shown = page.rotate(180)
    assert reader.find_codes(shown) == []  # no code to read: a person typed it

    result = reader.result_from_typed(shown, payload, 2, 7)
    assert (result.index, result.payload, result.problem) == (7, payload, None)
    assert result.rotation == 180.0
    assert result.masked_jpeg and not result.raw_jpeg and not result.cover_jpeg
    masked = Image.open(io.BytesIO(result.masked_jpeg))
    assert masked.size == page.size  # portrait
    assert _answer_shows(masked, answer) == (True, False)
    # The blots and the printed digits beside them are painted over, as on a page read by machine.
    printed = _dark_points(page, [layout.mask_box(c) for c in PRINTED_CORNERS])
    assert len(printed) > 1000
    assert _values_at(masked, printed, masked.size, 0.0).min() >= LIGHT


@pytest.mark.parametrize(
    ("quarter_turns", "shown_turn"), [(3, 90), (1, 270)], ids=["left", "right"]
)
def test_a_typed_code_straightens_a_page_shown_a_quarter_turned_as_the_form_labels_it(
    raster: Callable[[int, int], Image.Image], quarter_turns: int, shown_turn: int
) -> None:
    page, answer, payload = _typed_page(raster)
    shown = page.rotate(shown_turn, expand=True)  # turned counter-clockwise: 90 is to the left
    result = reader.result_from_typed(shown, payload, quarter_turns, 0)
    assert result.masked_jpeg
    masked = Image.open(io.BytesIO(result.masked_jpeg))
    assert masked.size == page.size
    assert _answer_shows(masked, answer) == (True, False)


def test_a_typed_cover_is_kept_unmasked_as_scanned_with_the_turn_that_makes_it_upright(
    raster: Callable[[int, int], Image.Image],
) -> None:
    cover = raster(COVER, 150)
    payload = PagePayload(CodeType.COVER, ROUND_CODE, KIT_SERIAL, 0, Corner.TOP_RIGHT)
    result = reader.result_from_typed(cover.rotate(180), payload, 2, 0)
    assert result.cover_jpeg and not result.masked_jpeg and not result.raw_jpeg
    kept = Image.open(io.BytesIO(result.cover_jpeg))
    assert result.rotation == 180.0
    reads = reader.find_codes(kept)
    assert reads and abs(_difference(reader.interpret(reads, kept.size).rotation, 180)) < 1


def test_one_impossible_page_is_read_as_unreadable_and_the_others_still_read(
    raster: Callable[[int, int], Image.Image], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.pdf"
    good = raster(ANSWER_1, 150)
    buffer = io.BytesIO()
    good.save(buffer, "JPEG", quality=85)
    with path.open("wb") as out, ScanPdfWriter(out) as writer:
        writer.add_jpeg_page(buffer.getvalue(), good.width, good.height, 150)
        writer.add_jpeg_page(_jpeg_claiming(60_000, 60_000), 1240, 1754, 150)
        writer.add_jpeg_page(buffer.getvalue(), good.width, good.height, 150)
    with reader.open_source(path) as source:
        first, bomb, last = (reader.read_page(source, i) for i in range(3))
    assert first.payload is not None and last.payload is not None
    assert bomb.payload is None and bomb.problem == "too_large"
    assert bomb.raw_jpeg is None and bomb.masked_jpeg is None


def test_what_a_scanner_writes_into_its_jpegs_reaches_neither_the_jury_nor_the_queue(
    scans: Callable[[str, float], tuple[Image.Image, Image.Image]], tmp_path: Path
) -> None:
    _, scanned = scans("answer", 0.0)
    unreadable = destroy_codes(scanned.copy(), random.Random(3))
    exif = Image.Exif()
    exif[0x010E] = "Scanned by A. Seitkali, room 12"  # ImageDescription
    stamped = {"comment": b"MFP-4 user A. Seitkali", "exif": exif}
    probe = io.BytesIO()
    scanned.save(probe, "JPEG", **stamped)
    assert probe.getvalue().count(b"Seitkali") == 2  # the scanner's JPEG does carry both
    path = _scan_pdf(tmp_path / "stamped.pdf", [scanned, unreadable], 200, **stamped)

    with reader.open_source(path) as source:
        read, queued = reader.read_page(source, 0), reader.read_page(source, 1)
    assert read.payload is not None and queued.payload is None
    assert read.masked_jpeg is not None and queued.raw_jpeg is not None
    for data in (read.masked_jpeg, queued.raw_jpeg):
        assert b"Seitkali" not in data
        with Image.open(io.BytesIO(data)) as copy:
            assert "comment" not in copy.info and "exif" not in copy.info

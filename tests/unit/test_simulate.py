"""Simulated MFP scans of kit PDFs: valid image-only PDFs whose codes still read, or deliberately
do not, with a plan that says which kit page each scan shows."""

from __future__ import annotations

import dataclasses
import io
import random
import tracemalloc
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]
import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageChops
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from integrity.scans.domain import layout
from integrity.scans.domain.codes import CodeType, PagePayload, decode_payload, encode_payload
from integrity.scans.domain.simulate import (
    Degradation,
    ScanPdfWriter,
    degrade,
    destroy_codes,
    rasterise_page,
    simulate_scans,
)

# Rendering kits, degrading and re-reading scans: the slow tier, not the unit loop.
pytestmark = pytest.mark.slow

A4_PX_200 = (1654, 2339)
ROUND, SERIAL = 42, 12345678


def _payload(page: int, corner: layout.Corner) -> str:
    kind = CodeType.COVER if page == 0 else CodeType.ANSWER
    return encode_payload(PagePayload(kind, ROUND, SERIAL, page, corner))


def _draw_qr(c: canvas.Canvas, text: str, box: layout.Box) -> None:
    qr = qrcode.QRCode(version=1, error_correction=ERROR_CORRECT_Q, border=0)
    qr.add_data(text)
    qr.make(fit=False)
    step = layout.QR_MODULE_MM
    for r, row in enumerate(qr.get_matrix()):
        for col, dark in enumerate(row):
            if dark:
                x = box.left + col * step
                y = layout.PAGE_HEIGHT_MM - (box.top + (r + 1) * step)
                c.rect(x * mm, y * mm, step * mm, step * mm, stroke=0, fill=1)


def _build_kit(path: Path, pages: int = 3) -> None:
    """Page 0 is a cover sheet (lower codes above the tear line), the others answer pages."""
    c = canvas.Canvas(str(path), pagesize=(layout.PAGE_WIDTH_MM * mm, layout.PAGE_HEIGHT_MM * mm))
    for page in range(pages):
        for corner in layout.PRINTED_CORNERS:
            _draw_qr(c, _payload(page, corner), layout.qr_box(corner, cover=page == 0))
        c.setFont("Helvetica", 14)
        c.drawString(20 * mm, (layout.PAGE_HEIGHT_MM - 25) * mm, f"Round {ROUND} - page {page}")
        if page == 0:  # the cover's lower codes sit inside the answer area: no ruling there
            c.drawString(40 * mm, 150 * mm, "Surname, name, school: ________________")
        else:
            area = layout.ANSWER_AREA
            for y in range(int(area.top) + 8, int(area.bottom), 8):
                c.line(area.left * mm, (297 - y) * mm, area.right * mm, (297 - y) * mm)
        c.showPage()
    c.save()


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kit") / "kit.pdf"
    _build_kit(path)
    return path


def _scanned_pages(path: Path) -> list[tuple[Image.Image, list[str], tuple[float, float]]]:
    """Each page's image (from the embedded JPEG itself), its filters and its size in points."""
    pdf = pdfium.PdfDocument(path)
    result: list[tuple[Image.Image, list[str], tuple[float, float]]] = []
    try:
        for page in pdf:
            objects = list(page.get_objects())
            assert len(objects) == 1
            (image,) = objects
            assert isinstance(image, pdfium.PdfImage)
            assert image.type == pdfium_c.FPDF_PAGEOBJ_IMAGE
            filters = image.get_filters()
            extracted = io.BytesIO()
            image.extract(extracted)  # the JPEG as stored, as the ingest takes it
            extracted.seek(0)
            picture = Image.open(extracted)
            picture.load()
            result.append((picture, filters, page.get_size()))
            page.close()
    finally:
        pdf.close()
    return result


def _decoded(image: Image.Image) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_the_output_has_one_page_per_scanned_page_and_duplicate(kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.pdf"
    plan = simulate_scans(kit, out, random.Random(1), duplicates=2)
    assert len(plan.source_pages) == 5
    assert sorted(set(plan.source_pages)) == [0, 1, 2]
    assert len(plan.rotations) == 5
    assert len(_scanned_pages(out)) == 5


def test_pages_picks_kit_pages_and_no_shuffle_keeps_their_order(kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.pdf"
    plan = simulate_scans(kit, out, random.Random(2), shuffle=False, pages=[2, 1], duplicates=1)
    assert plan.source_pages[:2] == [2, 1]
    assert plan.source_pages[2] in (1, 2)
    with pytest.raises(ValueError, match="out of range"):
        simulate_scans(kit, out, random.Random(2), pages=[3])


def test_every_page_is_one_greyscale_jpeg_filling_an_a4_page(kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.pdf"
    simulate_scans(kit, out, random.Random(3), Degradation(quarter_turn_share=0.5), duplicates=3)
    for picture, filters, (width_pt, height_pt) in _scanned_pages(out):
        assert filters == ["DCTDecode"]
        assert picture.format == "JPEG"
        assert picture.mode == "L"
        assert sorted(picture.size) == sorted(A4_PX_200)
        assert width_pt == pytest.approx(picture.width / 200 * 72, abs=0.01)
        assert height_pt == pytest.approx(picture.height / 200 * 72, abs=0.01)


def test_codes_read_on_every_page_but_the_destroyed_ones_and_name_the_source_page(
    kit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scan.pdf"
    d = Degradation(upside_down_share=0.5)
    plan = simulate_scans(kit, out, random.Random(4), d, duplicates=9, unreadable=3)
    assert len(plan.unreadable) == 3
    assert any(abs(r - 180) < 4 for r in plan.rotations)
    assert any(abs(r) < 4 for r in plan.rotations)
    for index, (picture, _, _) in enumerate(_scanned_pages(out)):
        texts = _decoded(picture)
        if index in plan.unreadable:
            assert texts == [], index
        else:
            assert texts, index
            assert {decode_payload(t).page for t in texts} == {plan.source_pages[index]}


class _Extreme(random.Random):
    """Every uniform draw at one end of its range: the largest skew and shift there are."""

    def __init__(self, seed: int, high: bool) -> None:
        super().__init__(seed)
        self.high = high

    def uniform(self, a: float, b: float) -> float:
        return b if self.high else a


@pytest.mark.parametrize("upside_down", [False, True])
@pytest.mark.parametrize("high", [False, True])
def test_codes_still_read_at_the_largest_skew_and_shift(
    kit: Path, upside_down: bool, high: bool
) -> None:
    pdf = pdfium.PdfDocument(kit)
    try:
        for index in range(len(pdf)):
            page = rasterise_page(pdf, index, 200)
            d = Degradation(upside_down_share=1.0 if upside_down else 0.0)
            texts = _decoded(_jpeg(degrade(page, _Extreme(index, high), d)))
            assert texts, index
            assert {decode_payload(t).page for t in texts} == {index}
    finally:
        pdf.close()


def _jpeg(image: Image.Image, quality: int = 75) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def test_destroyed_codes_stay_unreadable_on_cover_and_answer_pages(kit: Path) -> None:
    pdf = pdfium.PdfDocument(kit)
    try:
        for index in range(len(pdf)):
            page = rasterise_page(pdf, index, 200)
            assert page.mode == "L"
            assert page.size == A4_PX_200
            assert len(_decoded(page)) == 3
            rng = random.Random(index)
            blotted = destroy_codes(page, rng)
            assert _decoded(blotted) == []
            assert _decoded(_jpeg(degrade(blotted, rng, Degradation()))) == []
    finally:
        pdf.close()


def test_handwriting_stays_inside_the_answer_area(kit: Path) -> None:
    pdf = pdfium.PdfDocument(kit)
    try:
        page = rasterise_page(pdf, 1, 200)
    finally:
        pdf.close()
    d = Degradation(max_skew_deg=0, upside_down_share=0, noise_sigma=0, blur_radius=0, offset_mm=0)
    plain = degrade(page, random.Random(5), dataclasses.replace(d, handwriting=False))
    written = degrade(page, random.Random(5), d)
    changed = ImageChops.difference(plain, written).getbbox()
    assert changed is not None
    s = 200 / 25.4
    area = layout.ANSWER_AREA
    left, top, right, bottom = changed
    assert left >= area.left * s - 1
    assert top >= area.top * s - 1
    assert right <= area.right * s + 1
    assert bottom <= area.bottom * s + 1


def test_the_same_seed_gives_a_byte_identical_file(kit: Path, tmp_path: Path) -> None:
    files = [tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"]
    for path, seed in zip(files, (7, 7, 8), strict=True):
        simulate_scans(kit, path, random.Random(seed), duplicates=2, unreadable=1)
    assert files[0].read_bytes() == files[1].read_bytes()
    assert files[0].read_bytes() != files[2].read_bytes()


def test_sixty_pages_stream_through_with_little_memory(kit: Path, tmp_path: Path) -> None:
    out = tmp_path / "big.pdf"
    raw_page = A4_PX_200[0] * A4_PX_200[1]
    tracemalloc.start()
    try:
        plan = simulate_scans(kit, out, random.Random(9), duplicates=57, unreadable=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(plan.source_pages) == 60
    assert peak < 3 * raw_page
    pdf = pdfium.PdfDocument(out)
    try:
        assert len(pdf) == 60
    finally:
        pdf.close()


def test_the_writer_makes_a_pdf_pdfium_reads_without_rendering(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    image = Image.new("L", (300, 200), 200)
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG")
    with ScanPdfWriter(buffer) as writer:
        writer.add_jpeg_page(jpeg.getvalue(), 300, 200, 100)
        writer.add_jpeg_page(jpeg.getvalue(), 300, 200, 150)
    path = tmp_path / "w.pdf"
    path.write_bytes(buffer.getvalue())
    pages = _scanned_pages(path)
    assert [size for _, _, size in pages] == [(216.0, 144.0), (144.0, 96.0)]
    assert all(filters == ["DCTDecode"] for _, filters, _ in pages)
    with pytest.raises(ValueError, match="closed"):
        writer.add_jpeg_page(jpeg.getvalue(), 300, 200, 100)

"""Reading scanned pages: extract, find the codes, straighten, mask. Pure (no Flask, no SQLAlchemy).

Every function here works on one page at a time, so a 2,000-page PDF never sits in memory whole,
and the work can be spread over processes (see ``read_page``).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import zxingcpp
from PIL import Image, ImageDraw, ImageSequence

from integrity.scans.codes import CodeType, PagePayload, PayloadError, decode_payload
from integrity.scans.layout import (
    BOOKLET_BOX,
    COVER_TEAR_Y_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    PRINTED_CORNERS,
    QR_SIZE_MM,
    Box,
    Corner,
    mask_box,
)

RENDER_DPI = 200
# A4 at 600 dpi is 35 Mpx; anything far beyond is not a scan but a decompression bomb.
MAX_PIXELS = 60_000_000
MAX_PAGE_POINTS = 2000.0  # ~70 cm: larger "pages" are not sheets of paper
CORNER_CROP_MM = 52.0
COVER_BAND_MM = 30.0
MASKED_JPEG_QUALITY = 82

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
# Counter-clockwise quarter turns, exact (no resampling).
_QUARTER_TURNS = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}


class UnreadableFile(ValueError):
    """A file the ingest refuses as a whole: not_a_scan, broken_pdf, encrypted_pdf, too_large, empty."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def sniff_kind(head: bytes) -> str:
    if not head:
        raise UnreadableFile("empty")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")):
        return "image"
    raise UnreadableFile("not_a_scan")


@dataclass
class SourceFile:
    """An uploaded file opened for page-by-page reading."""

    path: Path
    kind: str
    pages: int
    _pdf: Any = field(default=None, repr=False)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(path: Path) -> SourceFile:
    with path.open("rb") as handle:
        kind = sniff_kind(handle.read(16))
    if kind == "pdf":
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:
            # pdfium's error text can be left over from an earlier file, so the file itself says
            # which it is: an encryption dictionary, an empty page tree, or plain damage.
            raise UnreadableFile(_pdf_problem(path)) from None
        if len(pdf) == 0:
            pdf.close()
            raise UnreadableFile("empty")
        return SourceFile(path, kind, len(pdf), pdf)
    try:
        # A damaged file makes Pillow warn (corrupt EXIF, truncated tags) before it fails or
        # reads: the verdict below is the answer, the warning only noise in the log.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                if image.width * image.height > MAX_PIXELS:
                    raise UnreadableFile("too_large")
    except Image.DecompressionBombError:
        raise UnreadableFile("too_large") from None
    except (OSError, SyntaxError) as exc:
        raise UnreadableFile("not_a_scan", str(exc)) from None
    return SourceFile(path, kind, frames)


def _pdf_problem(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
        handle.seek(max(0, size - (1 << 16)))
        tail = handle.read()
    if b"/Encrypt" in head or b"/Encrypt" in tail:
        return "encrypted_pdf"
    if re.search(rb"/Type\s*/Pages\b[^>]*?/Count\s+0\b", head + tail, re.S) or re.search(
        rb"/Count\s+0\b[^>]*?/Type\s*/Pages\b", head + tail, re.S
    ):
        return "empty"
    return "broken_pdf"


@dataclass(frozen=True)
class LoadedPage:
    image: Image.Image  # greyscale
    jpeg: bytes | None  # the page's own JPEG, as scanned, when the page is one embedded JPEG


def load_page(source: SourceFile, index: int) -> Image.Image:
    """One page as a greyscale image. A PDF page that is one embedded JPEG is decoded, not rendered."""
    return load(source, index).image


def load(source: SourceFile, index: int) -> LoadedPage:
    """One page as a greyscale image, with its own JPEG bytes where it has them."""
    if source.kind == "image":
        with Image.open(source.path) as image:
            frame = next(f for i, f in enumerate(ImageSequence.Iterator(image)) if i == index)
            return LoadedPage(frame.convert("L"), None)
    assert source._pdf is not None
    page = source._pdf[index]
    try:
        width, height = page.get_size()
        if width > MAX_PAGE_POINTS or height > MAX_PAGE_POINTS:
            raise UnreadableFile("too_large", f"page {index + 1}")
        embedded = _single_embedded_image(page)
        if embedded is not None:
            return embedded
        rendered: Image.Image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
        return LoadedPage(rendered.convert("L"), None)
    finally:
        page.close()


def _single_embedded_image(page: Any) -> LoadedPage | None:
    objects = list(page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
    if len(objects) != 1:
        return None
    picture = objects[0]
    try:
        filters = picture.get_filters()
        if filters == ["DCTDecode"]:
            buffer = io.BytesIO()
            picture.extract(buffer)
            buffer.seek(0)
            try:
                image = Image.open(buffer)
            except Image.DecompressionBombError:
                raise UnreadableFile("too_large") from None
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableFile("too_large")
            image.draft("L", image.size)
            if image.mode == "L":  # the usual greyscale scan: decode it, no copy
                image.load()
                return LoadedPage(image, buffer.getvalue())
            return LoadedPage(image.convert("L"), buffer.getvalue())
        bitmap: Image.Image = picture.get_bitmap(render=False).to_pil()
        return LoadedPage(bitmap.convert("L"), None)
    except pdfium.PdfiumError:
        return None
    except Image.DecompressionBombError:
        raise UnreadableFile("too_large") from None


@dataclass(frozen=True)
class CodeRead:
    payload: PagePayload
    centre: tuple[float, float]
    angle: float  # degrees the page is turned clockwise, from the symbol's top edge


def _reads(image: Image.Image, offset: tuple[int, int]) -> list[CodeRead]:
    found: list[CodeRead] = []
    for barcode in zxingcpp.read_barcodes(image, formats=QR_ONLY, try_invert=False):
        try:
            payload = decode_payload(barcode.text)
        except PayloadError:
            continue
        p = barcode.position
        angle = math.degrees(math.atan2(p.top_right.y - p.top_left.y, p.top_right.x - p.top_left.x))
        cx = (p.top_left.x + p.top_right.x + p.bottom_right.x + p.bottom_left.x) / 4 + offset[0]
        cy = (p.top_left.y + p.top_right.y + p.bottom_right.y + p.bottom_left.y) / 4 + offset[1]
        found.append(CodeRead(payload, (cx, cy), angle))
    return found


def find_codes(image: Image.Image) -> list[CodeRead]:
    """Codes sit near the corners whatever way the page was fed: try the four corner crops first
    (fast), then the whole page."""
    dpi = dpi_of(image)
    side = int(CORNER_CROP_MM / 25.4 * dpi)
    w, h = image.size
    reads: list[CodeRead] = []
    for left, top in ((0, 0), (w - side, 0), (0, h - side), (w - side, h - side)):
        box = (max(0, left), max(0, top), min(w, left + side), min(h, top + side))
        reads.extend(_reads(image.crop(box), (box[0], box[1])))
    if len(reads) < 2:
        # A cover's lower codes stand above its tear-off stub, not in a corner: look there too
        # (both ways up), so a cover is cross-checked by more than one code.
        band = int(COVER_BAND_MM / 25.4 * dpi)
        for top_mm in (
            COVER_TEAR_Y_MM - 4.0 - QR_SIZE_MM - 6.0,
            PAGE_HEIGHT_MM - COVER_TEAR_Y_MM - 2.0,
        ):
            top = int(top_mm / PAGE_HEIGHT_MM * h)
            for left in (0, w - side):
                box = (max(0, left), max(0, top), min(w, left + side), min(h, top + band))
                reads.extend(_reads(image.crop(box), (box[0], box[1])))
    if not reads:
        reads = _reads(image, (0, 0))
    return reads


def dpi_of(image: Image.Image) -> float:
    """Resolution from the sheet's size: the short side of an A4 page is 210 mm."""
    return min(image.size) / (PAGE_WIDTH_MM / 25.4)


@dataclass(frozen=True)
class Reading:
    payload: PagePayload | None  # the page's identity (corner set to the first code read)
    rotation: float  # degrees to turn the image counter-clockwise to straighten it
    problem: str | None = None  # no_code, conflict, corner_mismatch


def _expected_side(corner: Corner) -> tuple[int, int]:
    return (
        1 if corner in (Corner.TOP_RIGHT, Corner.BOTTOM_RIGHT) else -1,
        1 if corner in (Corner.BOTTOM_RIGHT, Corner.BOTTOM_LEFT) else -1,
    )


def interpret(reads: list[CodeRead], size: tuple[int, int]) -> Reading:
    """Agree the codes of one page: the same sheet and page, each in the corner it names."""
    if not reads:
        return Reading(None, 0.0, "no_code")
    identities = {
        (r.payload.code_type, r.payload.round_code, r.payload.serial, r.payload.page) for r in reads
    }
    if len(identities) > 1:
        return Reading(None, 0.0, "conflict")
    # Average the angles as unit vectors (−179° and 179° are neighbours).
    angle = math.degrees(
        math.atan2(
            sum(math.sin(math.radians(r.angle)) for r in reads),
            sum(math.cos(math.radians(r.angle)) for r in reads),
        )
    )
    cx, cy = size[0] / 2, size[1] / 2
    cos_a, sin_a = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    for r in reads:
        dx, dy = r.centre[0] - cx, r.centre[1] - cy
        ux, uy = cos_a * dx + sin_a * dy, -sin_a * dx + cos_a * dy  # undo the turn
        sx, sy = _expected_side(r.payload.corner)
        if ux * sx <= 0 or uy * sy <= 0:
            return Reading(None, angle, "corner_mismatch")
    return Reading(reads[0].payload, angle)


def turn_upright(image: Image.Image, rotation: float) -> tuple[Image.Image, float]:
    """Undo whole quarter turns exactly (no resampling); return the image and the skew left over.

    The skew of a few degrees is left in the pixels: resampling a 200-dpi page costs more than
    everything else a page needs, and a juror reads a page turned by 2° as easily as the paper.
    """
    quarter = round(rotation / 90) % 4
    residual = rotation - round(rotation / 90) * 90
    if quarter:
        image = image.transpose(_QUARTER_TURNS[quarter])
    return image, residual


def mask_codes(
    image: Image.Image, skew: float = 0.0, *, extra: Sequence[Box] = (), in_place: bool = False
) -> Image.Image:
    """Paint over every code corner and the text beside it, following the page's skew, so that
    what a juror sees holds no code (a test runs the reader over every masked page to check)."""
    masked = image if in_place else image.copy()
    draw = ImageDraw.Draw(masked)
    scale_x = masked.width / PAGE_WIDTH_MM
    scale_y = masked.height / PAGE_HEIGHT_MM
    cx, cy = masked.width / 2, masked.height / 2
    cos_a, sin_a = math.cos(math.radians(skew)), math.sin(math.radians(skew))

    def place(x_mm: float, y_mm: float) -> tuple[float, float]:
        dx, dy = x_mm * scale_x - cx, y_mm * scale_y - cy
        return cx + cos_a * dx - sin_a * dy, cy + sin_a * dx + cos_a * dy

    for box in extra:
        draw.polygon(
            [
                place(box.left - 3, box.top - 3),
                place(box.right + 3, box.top - 3),
                place(box.right + 3, box.bottom + 3),
                place(box.left - 3, box.bottom + 3),
            ],
            fill=245,
        )
    for corner in PRINTED_CORNERS:
        box = mask_box(corner)
        # Grow the box past the page edge, so a turned page leaves no sliver of code uncovered.
        left = box.left - (8 if box.left == 0 else 0)
        right = box.right + (8 if box.right >= PAGE_WIDTH_MM else 0)
        top = box.top - (8 if box.top == 0 else 0)
        bottom = box.bottom + (8 if box.bottom >= PAGE_HEIGHT_MM else 0)
        corners = [place(left, top), place(right, top), place(right, bottom), place(left, bottom)]
        draw.polygon(corners, fill=245)
    return masked


def to_jpeg(image: Image.Image, quality: int = MASKED_JPEG_QUALITY) -> bytes:
    """Plain JPEG bytes: no EXIF, no comment, no file name: pixels only. (Pillow carries a source
    JPEG's comment over unless told otherwise, and scanners write user and job names there.)"""
    buffer = io.BytesIO()
    image.save(
        buffer, "JPEG", quality=quality, optimize=False, progressive=False, comment=b"", exif=b""
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class PageResult:
    """Everything the database side needs from one page, computed away from the database."""

    index: int
    payload: PagePayload | None
    problem: str | None
    rotation: float
    masked_jpeg: bytes | None  # turned upright, codes masked: what a juror would see
    raw_jpeg: bytes | None  # the page as scanned, for a person to read in the queue
    # A cover for the vault, encrypted, as scanned (``rotation`` says how to turn it upright): the
    # scanner's own JPEG where the page is one. That keeps the scan's pixels, and decoding, turning
    # and re-encoding a page nobody sees before unsealing cost a fifth of the whole ingest.
    cover_jpeg: bytes | None


def read_page(source: SourceFile, index: int) -> PageResult:
    try:
        loaded = load(source, index)
        image = loaded.image
    except UnreadableFile as exc:
        # One impossible page (a decompression bomb inside a PDF, say) is a page for a person to
        # discard, not a reason to stop the other 1,999.
        return PageResult(index, None, exc.code, 0.0, None, None, None)
    reading = interpret(find_codes(image), image.size)
    if reading.payload is None:
        return PageResult(
            index, None, reading.problem, reading.rotation, None, to_jpeg(image), None
        )
    if reading.payload.page == 0:
        cover = loaded.jpeg or to_jpeg(image)
        return PageResult(index, reading.payload, None, reading.rotation, None, None, cover)
    upright, skew = turn_upright(image, reading.rotation)
    # The page is ours alone from here: mask it where it lies rather than copying 4 MB.
    if reading.payload.code_type is CodeType.EXTRA:
        # The queue shows the booklet number the invigilator wrote; the juror's copy hides it.
        queue_copy = to_jpeg(mask_codes(upright, skew, in_place=True))
        masked = to_jpeg(mask_codes(upright, skew, extra=[BOOKLET_BOX], in_place=True))
        return PageResult(index, reading.payload, None, reading.rotation, masked, queue_copy, None)
    masked = to_jpeg(mask_codes(upright, skew, in_place=True))
    return PageResult(index, reading.payload, None, reading.rotation, masked, None, None)


def result_from_typed(
    image: Image.Image, payload: PagePayload, quarter_turns: int, index: int
) -> PageResult:
    """What reading would have given, for a page whose code a person typed from the printed text.

    ``quarter_turns`` counts the counter-clockwise quarter turns that make the page upright (the
    queue's form offers them by how the page looks: "a quarter to the left" needs three).
    """
    turned = 90.0 * (quarter_turns % 4)
    if payload.page == 0:
        return PageResult(index, payload, None, turned, None, None, to_jpeg(image))
    upright, _ = turn_upright(image, turned)
    if payload.code_type is CodeType.EXTRA:
        masked = to_jpeg(mask_codes(upright, extra=[BOOKLET_BOX]))
        return PageResult(index, payload, None, turned, masked, to_jpeg(mask_codes(upright)), None)
    return PageResult(index, payload, None, turned, to_jpeg(mask_codes(upright)), None, None)


def reopening(path: Path, every: int) -> Generator[tuple[int, SourceFile], None, None]:
    """Yield (pages read so far, source) for ever, reopening the file every ``every`` pages: pdfium
    keeps each read page's image data until the document is closed, so reading 2,000 pages
    through one open document would hold the whole file's images."""
    source = open_source(path)
    count = 0
    try:
        while True:
            yield count, source
            count += 1
            if count % every == 0:
                source.close()
                source = open_source(path)
    finally:
        source.close()

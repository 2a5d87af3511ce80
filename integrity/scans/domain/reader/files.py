"""Opening an uploaded file and loading its pages one at a time, refusing what is no scan."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageSequence

RENDER_DPI = 200
# A4 at 600 dpi is 35 Mpx; anything far beyond is not a scan but a decompression bomb.
MAX_PIXELS = 60_000_000
MAX_PAGE_POINTS = 2000.0  # ~70 cm: larger "pages" are not sheets of paper

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


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

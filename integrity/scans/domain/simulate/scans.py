"""A batch of realistic scans of a kit PDF, streamed into a PDF as an MFP writes one: every page
one greyscale DCTDecode image filling the page. Pure."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium  # type: ignore[import-untyped]

from integrity.scans.domain.simulate.paper import (
    Degradation,
    degrade_turned,
    destroy_codes,
    rasterise_page,
)

_AS_USUAL = Degradation()  # frozen, so a shared default is safe


@dataclass(frozen=True)
class ScanPlan:
    """What the benchmark and tests need to know about a produced scan file."""

    source_pages: list[int]  # per output page, the kit page it shows (duplicates repeat an index)
    unreadable: set[int]  # output page indices whose codes were deliberately destroyed
    rotations: list[float]  # per output page, degrees counter-clockwise as seen (turn + skew)


# --- PDF writing -------------------------------------------------------------------------------


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


class ScanPdfWriter:
    """A minimal streaming PDF writer: each page is one greyscale DCTDecode (JPEG) image filling
    the page. Writes to ``out`` as pages come (``out`` need not be seekable and is not closed)."""

    _CATALOG, _PAGES = 1, 2

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._written = 0
        self._offsets: dict[int, int] = {}
        self._kids: list[int] = []
        self._next = 3
        self._closed = False
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self._object(self._CATALOG, b"<< /Type /Catalog /Pages 2 0 R >>")

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._written += len(data)

    def _object(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self._offsets[number] = self._written
        self._write(b"%d 0 obj\n" % number + body)
        if stream is not None:
            self._write(b"\nstream\n")
            self._write(stream)
            self._write(b"\nendstream")
        self._write(b"\nendobj\n")

    def add_jpeg_page(self, jpeg: bytes, width_px: int, height_px: int, dpi: int) -> None:
        if self._closed:
            raise ValueError("the PDF is closed")
        image, contents, page = self._next, self._next + 1, self._next + 2
        self._next += 3
        width, height = _number(width_px / dpi * 72), _number(height_px / dpi * 72)
        self._object(
            image,
            (
                f"<< /Type /XObject /Subtype /Image /Width {width_px} /Height {height_px}"
                f" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"
                f" /Length {len(jpeg)} >>"
            ).encode("ascii"),
            jpeg,
        )
        draw = f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode("ascii")
        self._object(contents, b"<< /Length %d >>" % len(draw), draw)
        self._object(
            page,
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}]"
                f" /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {contents} 0 R >>"
            ).encode("ascii"),
        )
        self._kids.append(page)

    def close(self) -> None:
        """Write the page tree, cross-reference table and trailer. Idempotent."""
        if self._closed:
            return
        self._closed = True
        kids = " ".join(f"{kid} 0 R" for kid in self._kids)
        self._object(
            self._PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self._kids)} >>".encode()
        )
        xref = self._written
        size = self._next
        rows = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        rows += [b"%010d 00000 n \n" % self._offsets[n] for n in range(1, size)]
        self._write(b"".join(rows))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))

    def __enter__(self) -> ScanPdfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the whole batch ---------------------------------------------------------------------------


def simulate_scans(
    kit_pdf: Path,
    out_pdf: Path,
    rng: random.Random,
    d: Degradation = _AS_USUAL,
    *,
    shuffle: bool = True,
    duplicates: int = 0,
    unreadable: int = 0,
    pages: Sequence[int] | None = None,
) -> ScanPlan:
    """Scan the kit at ``kit_pdf`` into ``out_pdf`` and say what was done.

    ``pages`` picks kit pages (default all); ``duplicates`` more scans of random picked pages
    (each degraded anew) join them; the batch is shuffled unless ``shuffle`` is false (then the
    duplicates come last); ``unreadable`` random output pages get their codes blotted out.
    """
    pdf = pdfium.PdfDocument(kit_pdf)
    try:
        count = len(pdf)
        chosen = list(range(count)) if pages is None else list(pages)
        if any(not 0 <= p < count for p in chosen):
            raise ValueError(f"page index out of range 0..{count - 1}")
        if duplicates < 0 or unreadable < 0:
            raise ValueError("duplicates and unreadable are counts")
        if duplicates and not chosen:
            raise ValueError("no pages to duplicate")
        order = chosen + [rng.choice(chosen) for _ in range(duplicates)]
        if shuffle:
            rng.shuffle(order)
        if unreadable > len(order):
            raise ValueError("more unreadable pages than pages")
        blotted = set(rng.sample(range(len(order)), unreadable))
        rotations: list[float] = []
        with out_pdf.open("wb") as out, ScanPdfWriter(out) as writer:
            for position, source in enumerate(order):
                image = rasterise_page(pdf, source, d.dpi)
                if position in blotted:
                    image = destroy_codes(image, rng)
                image, angle = degrade_turned(image, rng, d)
                rotations.append(angle)
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=d.jpeg_quality, dpi=(d.dpi, d.dpi))
                writer.add_jpeg_page(buffer.getvalue(), image.width, image.height, d.dpi)
                del image, buffer
    finally:
        pdf.close()
    return ScanPlan(source_pages=order, unreadable=blotted, rotations=rotations)

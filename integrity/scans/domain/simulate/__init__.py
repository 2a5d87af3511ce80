"""Realistic scans of kit PDFs, as a multifunction printer would return them. Pure.

A kit page is rasterised in greyscale, written on (pseudo-handwriting in the answer area), laid on
the glass a little crooked and shifted (sometimes upside down, optionally sideways), blurred by the
optics, speckled by the sensor and JPEG-compressed; the result is a PDF in which every page is one
greyscale DCTDecode image filling the page, as MFPs produce. Everything is drawn from the caller's
``random.Random``, so one seed gives a byte-identical file.

Pages are streamed: one page image exists at a time (rasterise, degrade, encode, write, discard).
"""

from integrity.scans.domain.simulate.paper import (
    Degradation,
    degrade,
    destroy_codes,
    rasterise_page,
)
from integrity.scans.domain.simulate.scans import ScanPdfWriter, ScanPlan, simulate_scans

__all__ = [
    "Degradation",
    "ScanPdfWriter",
    "ScanPlan",
    "degrade",
    "destroy_codes",
    "rasterise_page",
    "simulate_scans",
]

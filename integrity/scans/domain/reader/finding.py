"""Finding a page's codes and agreeing what they say: which sheet, which page, which way up."""

from __future__ import annotations

import math
from dataclasses import dataclass

import zxingcpp
from PIL import Image

from integrity.scans.domain.codes import PagePayload, PayloadError, decode_payload
from integrity.scans.domain.layout import (
    COVER_TEAR_Y_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    QR_SIZE_MM,
    Corner,
)

CORNER_CROP_MM = 52.0
COVER_BAND_MM = 30.0
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


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

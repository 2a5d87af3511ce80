"""A printed page as a multifunction printer would return it: handwriting, tone, turn, skew,
shift, blur and noise, all drawn from the caller's ``random.Random``. Pure."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist

import pypdfium2 as pdfium  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from integrity.scans.domain import layout
from integrity.scans.domain.layout import Box, Corner

_NOISE_BAND_ROWS = 256  # noise is added band by band, so no full-page temporary is ever made
_MARKER_MARGIN_MM = 2.0  # how far a destroying blot reaches beyond the QR modules
_INK_SHARE_FOR_CODE = 0.2  # a QR box with this share of dark pixels holds a printed code
_HANDWRITING_CLEARANCE_MM = 4.0  # kept from the cover's lower codes, which sit in the answer area


@dataclass(frozen=True)
class Degradation:
    dpi: int = 200
    max_skew_deg: float = 3.0  # uniform in [-max, +max]
    upside_down_share: float = 0.1  # pages turned 180°
    quarter_turn_share: float = 0.0  # pages turned 90° (landscape feed) — off by default
    noise_sigma: float = 6.0  # gaussian grey-level noise
    blur_radius: float = 0.6  # gaussian blur, in pixels
    jpeg_quality: int = 75
    offset_mm: float = 2.0  # random shift of the sheet on the glass
    handwriting: bool = True  # scribble some pseudo-handwriting strokes in the answer area


def rasterise_page(pdf: pdfium.PdfDocument, index: int, dpi: int) -> Image.Image:
    """Kit page ``index`` as a greyscale ("L") image at ``dpi``."""
    page = pdf[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            image: Image.Image = bitmap.to_pil()
            if image.mode != "L":
                return image.convert("L")
            return image.copy()  # detach from pdfium's buffer before the bitmap is freed
        finally:
            bitmap.close()
    finally:
        page.close()


def _px_per_mm(image: Image.Image) -> float:
    """Scale of a page image in page orientation (portrait)."""
    return image.width / layout.PAGE_WIDTH_MM


def _scaled(box: Box, s: float, m: float = 0.0) -> tuple[float, float, float, float]:
    """``box`` in pixels at ``s`` px/mm, grown by ``m`` mm on every side."""
    return ((box.left - m) * s, (box.top - m) * s, (box.right + m) * s, (box.bottom + m) * s)


# --- handwriting -------------------------------------------------------------------------------


def _writing_area() -> Box:
    """The answer area, narrowed clear of the cover sheet's lower codes (which lie inside it)."""
    area, clear = layout.ANSWER_AREA, _HANDWRITING_CLEARANCE_MM
    left = max(area.left, layout.qr_box(Corner.BOTTOM_LEFT, cover=True).right + clear)
    right = min(area.right, layout.qr_box(Corner.BOTTOM_RIGHT, cover=True).left - clear)
    return Box(left, area.top, right - left, area.height)


def _word(
    rng: random.Random, x0: float, y0: float, length: float, s: float
) -> list[tuple[float, float]]:
    """A cursive-looking word: a chain of arcs and loops (a prolate cycloid) of varying heights."""
    slant = rng.uniform(0.1, 0.35)
    drift = rng.uniform(-0.04, 0.04)
    points: list[tuple[float, float]] = []
    x = x0
    while x < x0 + length or len(points) < 20:
        advance = rng.uniform(1.2, 2.4)  # mm per letter
        loop = rng.uniform(0.2, 1.4)  # 0.2: an arc like "n", 1.4: a loop like "e" or "l"
        height = rng.uniform(1.4, 2.8) if rng.random() < 0.8 else rng.uniform(4.0, 6.0)
        for k in range(10):
            t = 2 * math.pi * k / 10
            up = height * (1 - math.cos(t)) / 2
            px = x + advance * k / 10 - loop * math.sin(t) * 0.5 + slant * up
            points.append((px * s, (y0 - up + drift * (px - x0)) * s))
        x += advance
    return points


def _clamp(points: list[tuple[float, float]], bounds: tuple[float, float, float, float]) -> None:
    left, top, right, bottom = bounds
    for i, (x, y) in enumerate(points):
        points[i] = (min(max(x, left), right), min(max(y, top), bottom))


def _scribble(image: Image.Image, rng: random.Random) -> None:
    """Lines of pseudo-handwriting (blue ink read as grey), and now and then a stroke or a bar."""
    s = _px_per_mm(image)
    area = _writing_area()
    bounds = _scaled(area, s)
    draw = ImageDraw.Draw(image)
    ink = rng.randint(40, 115)
    width = max(1, round(rng.uniform(0.25, 0.45) * s))
    spacing = rng.uniform(7.0, 10.0)
    lines = rng.randint(2, 10)
    y = area.top + rng.uniform(6.0, 30.0)
    for _ in range(lines):
        if y > area.bottom - 2:
            break
        x = area.left + rng.uniform(0.0, 15.0)
        end = area.right - rng.uniform(0.0, 60.0)
        while x < end - 6:
            length = min(rng.uniform(6.0, 28.0), end - x)
            points = _word(rng, x, y, length, s)
            _clamp(points, bounds)
            draw.line(points, fill=ink, width=width, joint="curve")
            x += length + rng.uniform(2.5, 6.0)
        if rng.random() < 0.3:  # a fraction bar, an underline or a crossing-out
            x1 = area.left + rng.uniform(0.0, area.width * 0.6)
            x2 = x1 + rng.uniform(10.0, area.width * 0.4)
            yy = y + rng.uniform(-3.0, 1.5)
            stroke = [(x1 * s, yy * s), (x2 * s, (yy + rng.uniform(-1.5, 1.5)) * s)]
            _clamp(stroke, bounds)
            draw.line(stroke, fill=ink, width=width)
        y += spacing * rng.choice((1, 1, 1, 2))


# --- degradation -------------------------------------------------------------------------------


def _noise_table(sigma: float) -> bytes:
    """Uniform bytes → gaussian grey offsets around 128 (256 quantiles of N(0, sigma))."""
    normal = NormalDist(128.0, sigma)
    return bytes(min(255, max(0, round(normal.inv_cdf((i + 0.5) / 256)))) for i in range(256))


def _add_noise(image: Image.Image, rng: random.Random, sigma: float) -> None:
    table = _noise_table(sigma)
    source = random.Random(rng.getrandbits(64))
    for top in range(0, image.height, _NOISE_BAND_ROWS):
        box = (0, top, image.width, min(image.height, top + _NOISE_BAND_ROWS))
        band = image.crop(box)
        noise = Image.frombytes(
            "L", band.size, source.randbytes(band.width * band.height).translate(table)
        )
        image.paste(ImageChops.add(band, noise, 1.0, -128), box)


def _place(
    image: Image.Image, angle: float, quarter: bool, shift: tuple[float, float]
) -> Image.Image:
    """Turn the sheet by ``angle`` (counter-clockwise as seen) about its centre, shift it, and
    scan it onto a white A4 frame (landscape for quarter turns), in one resampling."""
    w, h = image.size
    out_w, out_h = (h, w) if quarter else (w, h)
    rad = -math.radians(angle)
    a, b = round(math.cos(rad), 15), round(math.sin(rad), 15)
    d, e = -b, a
    ox, oy = out_w / 2 + shift[0], out_h / 2 + shift[1]
    c = w / 2 - (a * ox + b * oy)
    f = h / 2 - (d * ox + e * oy)
    return image.transform(
        (out_w, out_h),
        Image.Transform.AFFINE,
        (a, b, c, d, e, f),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
    )


def _blur(sigma: float) -> ImageFilter.Filter:
    """A gaussian blur of standard deviation ``sigma`` px: as an exact 3×3 kernel while that holds
    nearly all the weight (twice as fast as Pillow's box-blur passes), else Pillow's."""
    if sigma > 0.8:
        return ImageFilter.GaussianBlur(sigma)
    weights = [
        math.exp(-(x * x + y * y) / (2 * sigma * sigma)) for y in (-1, 0, 1) for x in (-1, 0, 1)
    ]
    return ImageFilter.Kernel((3, 3), weights, scale=sum(weights))


def degrade_turned(
    image: Image.Image, rng: random.Random, d: Degradation
) -> tuple[Image.Image, float]:
    """As :func:`degrade`, also returning the rotation applied (degrees counter-clockwise)."""
    s = _px_per_mm(image)
    # Every draw happens whatever the settings, so switching one effect off leaves the others'
    # randomness (and so the rest of a seeded file) unchanged.
    quarter = rng.random() < d.quarter_turn_share
    flipped = rng.random() < d.upside_down_share
    skew = rng.uniform(-d.max_skew_deg, d.max_skew_deg)
    shift = (rng.uniform(-d.offset_mm, d.offset_mm) * s, rng.uniform(-d.offset_mm, d.offset_mm) * s)
    black, white = rng.randint(8, 35), rng.randint(236, 252)
    writer = random.Random(rng.getrandbits(64))
    noise = random.Random(rng.getrandbits(64))

    page = image.copy()
    if d.handwriting:
        _scribble(page, writer)
    # toner is not quite black and paper not quite white
    page = page.point([black + (white - black) * v // 255 for v in range(256)])
    angle = (90.0 if quarter else 0.0) + (180.0 if flipped else 0.0) + skew
    page = _place(page, angle, quarter, shift)
    if d.blur_radius > 0:
        page = page.filter(_blur(d.blur_radius))
    if d.noise_sigma > 0:
        _add_noise(page, noise, d.noise_sigma)
    return page, angle


def degrade(image: Image.Image, rng: random.Random, d: Degradation) -> Image.Image:
    """A scan of the printed page ``image`` (greyscale, page orientation): handwriting, tone, turn,
    skew, shift, blur and noise. JPEG compression happens when the page is written."""
    return degrade_turned(image, rng, d)[0]


def destroy_codes(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page with every code blotted out by heavy black marker, as a real mishap would.

    Expects a page image in page orientation (as rasterised, before :func:`degrade`). A lower
    corner's code is blotted where it is printed: at the foot of the page, or above the tear line
    on a cover sheet. The printed payload text beside each code stays legible, as in life.
    """
    if image.width > image.height:
        raise ValueError("destroy_codes expects a portrait page image, before degradation")
    s = _px_per_mm(image)
    page = image.convert("L") if image.mode != "L" else image.copy()

    def inked(box: Box) -> bool:
        histogram = page.crop(_scaled(box, s)).histogram()
        return sum(histogram[:128]) >= _INK_SHARE_FOR_CODE * max(1, sum(histogram))

    boxes: list[Box] = []
    for corner in layout.PRINTED_CORNERS:
        places = list(dict.fromkeys((layout.qr_box(corner), layout.qr_box(corner, cover=True))))
        boxes += [box for box in places if inked(box)] or places[:1]
    draw = ImageDraw.Draw(page)
    ink = rng.randint(10, 45)
    for box in boxes:
        left, top, right, bottom = _scaled(box, s, _MARKER_MARGIN_MM)
        cx, cy = (left + right) / 2, (top + bottom) / 2
        rx, ry = (right - left) / 2 * math.sqrt(2), (bottom - top) / 2 * math.sqrt(2)
        draw.rectangle((left, top, right, bottom), fill=ink)  # the modules are certainly covered
        steps = 28
        phase = rng.uniform(0, 2 * math.pi)
        blob = [
            (
                cx + rx * rng.uniform(1.0, 1.2) * math.cos(phase + 2 * math.pi * k / steps),
                cy + ry * rng.uniform(1.0, 1.2) * math.sin(phase + 2 * math.pi * k / steps),
            )
            for k in range(steps)
        ]
        draw.polygon(blob, fill=ink)
        for _ in range(rng.randint(2, 4)):  # marker strokes running out of the blot
            x1, y1 = rng.uniform(left, right), rng.uniform(top, bottom)
            length, turn = rng.uniform(0.5, 1.0) * rx, rng.uniform(0, 2 * math.pi)
            x2, y2 = x1 + length * math.cos(turn), y1 + length * math.sin(turn)
            draw.line([(x1, y1), (x2, y2)], fill=ink, width=max(2, round(2.5 * s)))
    return page

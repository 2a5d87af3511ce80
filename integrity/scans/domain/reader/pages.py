"""One page read end to end: what the database side needs from it, computed away from it."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from integrity.scans.domain.codes import CodeType, PagePayload
from integrity.scans.domain.layout import BOOKLET_BOX
from integrity.scans.domain.reader.files import SourceFile, UnreadableFile, load
from integrity.scans.domain.reader.finding import find_codes, interpret
from integrity.scans.domain.reader.imaging import mask_codes, to_jpeg, turn_upright


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

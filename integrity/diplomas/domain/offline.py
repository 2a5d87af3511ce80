"""Checking a diploma with no connection: the QR text (or a photo or scan of the diploma), the
published key list and, if at hand, the signed status list. Pure; run by
``scripts/verify_diploma.py``.

Exit status: 0 genuine, 1 any other verdict, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from integrity.diplomas.domain import DocType, Payload, PayloadError, from_text
from integrity.diplomas.domain.published import (
    ListError,
    Result,
    StatusNote,
    Verdict,
    check,
    read_key_list,
    read_status_list,
)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".pdf"}
WORDS = {
    Verdict.GENUINE: "GENUINE: issued by the centre and valid",
    Verdict.SUSPENDED: "SUSPENDED: issued by the centre, suspended while a check is pending",
    Verdict.ANNULLED: "ANNULLED: issued by the centre, then annulled",
    Verdict.SUPERSEDED: "SUPERSEDED: replaced by a corrected document",
    Verdict.NOT_ISSUED: "NOT ISSUED BY US: forged, altered or unreadable",
    Verdict.STATUS_UNKNOWN: "SIGNATURE GENUINE; status unknown (the status list predates it)",
}


def qr_texts(path: Path) -> list[str]:
    """Every QR code's text on an image or on each page of a PDF, read with zxing-cpp."""
    import numpy as np
    import zxingcpp
    from PIL import Image, ImageOps

    images = []
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        pdf = pdfium.PdfDocument(str(path))
        images = [pdf[i].render(scale=200 / 72, grayscale=True).to_pil() for i in range(len(pdf))]
    else:
        with Image.open(path) as opened:
            images = [ImageOps.exif_transpose(opened).convert("L")]
    texts = []
    for image in images:
        for code in zxingcpp.read_barcodes(np.asarray(image)):
            if code.format == zxingcpp.BarcodeFormat.QRCode and code.text:
                texts.append(code.text)
    return texts


def fields(payload: Payload) -> dict[str, Any]:
    return {
        "serial": str(payload.serial),
        "type": payload.serial.doc_type.code,
        "name": payload.name,
        "subject": payload.subject,
        "grade": payload.grade,
        "event_id": payload.event_id,
        "issued_on": payload.issued_on.isoformat(),
        "key_id": payload.key_id,
    }


def verdict(text: str, keys_doc: Any, status_doc: Any | None) -> Result:
    keys = read_key_list(keys_doc)
    view = (
        read_status_list(status_doc, keys, issuer=str(keys_doc.get("issuer")))
        if status_doc is not None
        else None
    )

    def status_of(payload: Payload) -> StatusNote | None:
        return view.note(payload.status_index) if view is not None else None

    try:
        blob = from_text(text)
    except PayloadError as exc:
        return Result(Verdict.NOT_ISSUED, why=str(exc))
    return check(blob, keys, status_of, unknown=Verdict.STATUS_UNKNOWN)


def report(result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": result.verdict.value}
    if result.payload is not None and result.verdict is not Verdict.NOT_ISSUED:
        out["fields"] = fields(result.payload)
    if result.note is not None and result.note.on:
        out["since"] = result.note.on.isoformat()
    if result.note is not None and result.note.by:
        out["superseded_by"] = result.note.by
    if result.note is not None and result.note.kind:
        out["annulled_as"] = result.note.kind
    if result.why:
        out["why"] = result.why
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_diploma.py",
        description="Check an Integrity diploma offline against the published key and status lists.",
    )
    parser.add_argument("input", help="the QR code's text (a https://…/v/… link) or an image/PDF")
    parser.add_argument("--keys", type=Path, required=True, help="diploma-keys.json, as published")
    parser.add_argument("--status", type=Path, help="diploma-status.json, as published")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        keys_doc = json.loads(args.keys.read_text(encoding="utf-8"))
        status_doc = json.loads(args.status.read_text(encoding="utf-8")) if args.status else None
        source = Path(args.input)
        if source.suffix.lower() in IMAGE_SUFFIXES and source.exists():
            texts = qr_texts(source)
            if not texts:
                print(f"no QR code found in {source.name}", file=sys.stderr)
                return 2
            text = texts[0]
        else:
            text = args.input
        result = verdict(text, keys_doc, status_doc)
    except (OSError, ValueError, ListError) as exc:
        print(f"cannot check: {exc}", file=sys.stderr)
        return 2
    out = report(result)
    if status_doc is not None:
        # A validly signed list can still be an old one: say how old, every time.
        out["status_as_of"] = str(status_doc.get("updated"))
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(WORDS[result.verdict])
        for key, value in {
            **out.get("fields", {}),
            **{k: v for k, v in out.items() if k in ("since", "superseded_by", "status_as_of")},
        }.items():
            if key == "type":
                value = f"{value} ({DocType.from_code(value).name.lower()})"
            print(f"  {key}: {value}")
    return 0 if result.verdict is Verdict.GENUINE else 1


if __name__ == "__main__":
    raise SystemExit(main())

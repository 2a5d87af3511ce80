"""The words for the scans area's codes: page statuses, the reader's problems, print-run scopes,
upload states. One place, for the screens and the commands alike."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l


def page_status_labels() -> dict[str, str]:
    return {
        "cover": _l("cover"),
        "answer": _l("answer page"),
        "extra": _l("extra sheet"),
        "unreadable": _l("unreadable"),
        "foreign": _l("foreign"),
        "duplicate": _l("duplicate"),
        "discarded": _l("discarded"),
    }


def detail_label(detail: str | None) -> str:
    """A page's problem in words: the codes the reader records, translated."""
    if not detail:
        return ""
    labels = {
        "no_code": _l("no code could be read"),
        "conflict": _l("the codes on the page disagree"),
        "corner_mismatch": _l("a code is not in the corner it names"),
        "page out of range": _l("the booklet has no such page"),
        "unknown serial": _l("no kit of this round has this serial"),
        "voided serial": _l("this kit was voided"),
        "wrong code type": _l("the code's type does not match its sheet"),
        "too_large": _l("the page is far too large to be a scanned sheet"),
        "cover again": _l("this cover was already scanned; a cover's image is shown to nobody"),
    }
    if detail.startswith("round "):
        return str(_l("a page of round %(code)s", code=detail.removeprefix("round ")))
    return str(labels.get(detail, detail))


def scope_label(scope: str) -> str:
    kind, _sep, value = scope.partition(":")
    if kind == "room":
        return str(_l("room %(name)s", name=value))
    if kind == "entry":
        return str(_l("entry %(n)s", n=value))
    if kind == "reissue":
        return str(_l("a re-issued kit"))
    return str(_l("the whole round"))


def upload_status_labels() -> dict[str, str]:
    return {
        "queued": _l("waiting"),
        "processing": _l("reading"),
        "done": _l("done"),
        "failed": _l("failed"),
    }


def megabytes(size: int) -> str:
    """A size in MiB with one decimal, with the reader's decimal sign (the script does the same
    with ``decimal``: a browser's own number formats may lack the Kazakh one)."""
    return str(format_decimal((size * 10 >> 20) / 10, format="0.0"))  # tenths, rounded down


def sent_text(sent: int, length: int) -> str:
    """How much of a file has travelled: "Sent: 12,3 / 142,0 MB (8%)"."""
    percent = 100 * sent // max(1, length)
    words = _l("Sent: %(sent)s / %(total)s MB", sent=megabytes(sent), total=megabytes(length))
    return f"{words} ({percent}%)"


def pages_text(done: int, total: int | None) -> str:
    """How much of a file has been read: "Pages read: 3/10"."""
    return str(_l("Pages read: %(done)s/%(total)s", done=done, total=total or "?"))


def transfer_labels() -> dict[str, str]:
    return {"receiving": _l("sending…"), "finishing": _l("received; storing…")}


def labelled_totals(totals: dict[str, int], works: int) -> list[tuple[str, int]]:
    """The round's page totals as the page lists them: pages by status, then works."""
    labels = page_status_labels()
    rows = [(str(labels.get(status, status)), count) for status, count in sorted(totals.items())]
    return [*(rows or [(str(_l("Pages")), 0)]), (str(_l("Works")), works)]


def sending_labels() -> dict[str, str]:
    """What the upload form says while a file travels (the page's script shows them)."""
    return {
        "sent": str(_l("Sent: %(sent)s / %(total)s MB")),
        "decimal": megabytes(3 << 19)[1:2],  # 1.5 MB in the reader's format: its decimal sign
        "sending": str(_l("sending…")),
        "resuming": str(_l("connection lost; resuming…")),
        "storing": str(_l("received; storing…")),
        "known": str(_l("uploaded before; nothing changed")),
        "failed": str(_l("failed")),
    }

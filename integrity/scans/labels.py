"""The words for the scans area's codes: page statuses, the reader's problems, print-run scopes,
upload states. One place, for the screens and the commands alike."""

from __future__ import annotations

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


def sending_labels() -> dict[str, str]:
    """What the upload form says while a file travels (the page's script shows them)."""
    return {
        "sending": str(_l("sending…")),
        "resuming": str(_l("connection lost; resuming…")),
        "storing": str(_l("received; storing…")),
        "known": str(_l("uploaded before; nothing changed")),
        "failed": str(_l("failed")),
    }

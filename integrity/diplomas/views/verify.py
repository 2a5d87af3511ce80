"""The public verification page (what a diploma's QR code opens), the look-up by serial and
surname, and the published key and status lists. The page answers every QR scan: it is tuned
(scripts/bench_verify.py), so add no work per request."""

from __future__ import annotations

from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from integrity.diplomas.domain import Serial, SerialError
from integrity.diplomas.domain.published import Result, Verdict
from integrity.diplomas.forms import LookupForm
from integrity.diplomas.labels import TYPE_NAMES
from integrity.diplomas.services import keys, verifying
from integrity.extensions import address_and, address_limit, db, limiter
from integrity.logs import note, private_path
from integrity.settings import settings_of
from integrity.web import language_links, select_locale
from integrity.web.access import public

verify_bp = Blueprint("verify", __name__)
KEY_CACHE = "integrity.diploma_keys"


def _key_cache() -> verifying.KeyCache:
    """The app's own cache of the published keys (made on the first check)."""
    cache: verifying.KeyCache | None = current_app.extensions.get(KEY_CACHE)
    if cache is None:
        cache = current_app.extensions[KEY_CACHE] = verifying.KeyCache()
    return cache


def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_verdict(result: Result, how: str) -> None:
    # Serial and verdict only: never the name, the surname typed, or the client's address.
    # On the request's own log line: this runs on every QR scan.
    serial = str(result.payload.serial) if result.payload else None
    note(event="diploma_check", how=how, serial=serial, verdict=result.verdict.value)


@lru_cache(maxsize=8)
def _page_texts(locale: str) -> dict[str, str]:
    """The verification page's words in one language, translated once per process: the page
    answers every QR scan, and twenty gettext calls a request were a fifth of its cost."""
    del locale  # the cache key; the request's own locale is the one translated
    texts = {
        "title": _("Diploma check"),
        "language": _("Language"),
        "genuine": _("Genuine"),
        "genuine_text": _(
            "This document was issued by us and is valid. Compare the details below with the paper."
        ),
        "suspended": _("Suspended"),
        "suspended_text": _(
            "This document was issued by us but is suspended since %(date)s while an appeal or a "
            "check is pending.",
            date="{date}",
        ),
        "annulled": _("Annulled"),
        "annulled_text": _(
            "This document was issued by us and annulled on %(date)s. It is no longer valid.",
            date="{date}",
        ),
        "annul_error": _("It was issued by mistake."),
        "annul_reissued": _("It was replaced by another document, issued instead of it."),
        "annul_revoked": _("The award was revoked."),
        "replacement": _("The new document:"),
        "superseded": _("Replaced"),
        "superseded_text": _(
            "This document was replaced by a corrected one with the serial %(serial)s on "
            "%(date)s; only the new one is valid.",
            serial="{serial}",
            date="{date}",
        ),
        "not_issued": _("Not issued by us"),
        "not_issued_text": _(
            "We did not issue a document with this code. It may be forged or altered. If the "
            "paper has a serial number, you can check it by hand below."
        ),
        "facts": _("What the paper must say"),
        "serial": _("Serial number"),
        "document": _("Document"),
        "awarded_to": _("Awarded to"),
        "grade": _("Grade"),
        "subject": _("Subject"),
        "event": _("Event"),
        "school": _("School"),
        "issued_on": _("Issued on"),
        "by_serial": _("Check by serial number"),
        "offline": _("Keys and the status list for checking without the internet:"),
        "keys": _("keys"),
        "status_list": _("status list"),
    }
    texts |= {f"type_{code}": str(name) for code, name in TYPE_NAMES.items()}
    return texts


@lru_cache(maxsize=8)
def _page_links(script_root: str) -> dict[str, str]:
    """The verification page's fixed links, built once per mount point instead of per scan."""
    del script_root  # the cache key; url_for reads the request's own
    return {
        "css": url_for("static", filename="app.css"),
        "favicon": url_for("static", filename="favicon.svg"),
        "home": url_for("public.home"),
        "lookup": url_for("verify.lookup"),
        "keys": url_for("verify.key_list"),
        "status_list": url_for("verify.status_list"),
    }


def _verdict_page(result: Result, doc: verifying.Found | None) -> Response:
    # Rendered straight from the environment: the page uses no context processor (no user, no
    # form, no navigation), and the locale is decided once, not once for each of them.
    locale = select_locale()
    page = current_app.jinja_env.get_template("diplomas/verdict.html").render(
        result=result,
        doc=doc,
        Verdict=Verdict,
        t=_page_texts(locale),
        links=_page_links(request.script_root),
        current_locale=locale,
    )
    return _noindex(make_response(page))


@verify_bp.route("/v/<string:text>")
@public
@private_path
@language_links
def link(text: str) -> Response:
    """The page a diploma's QR code opens. Any tampering reads as "not issued by us"."""
    zone = settings_of(current_app).zone
    result, doc = verifying.check_link(db.session, text, zone, _key_cache())
    _log_verdict(result, "link")
    return _verdict_page(result, doc)


def _lookup_limit() -> str:
    return str(settings_of(current_app).diploma_lookup_rate_limit)


def _serial_problem(text: str) -> str | None:
    try:
        Serial.parse(text)
    except SerialError as exc:
        if exc.reason == "check_digit":
            return str(
                _(
                    "This serial is mistyped: its last digit does not match the others. "
                    "Check each digit against the paper."
                )
            )
        return str(_("This is not a serial number. It looks like ZHD-26-D1-004217-7."))
    return None


@verify_bp.route("/v/", methods=["GET", "POST"])
@limiter.limit(_lookup_limit, methods=["POST"], key_func=lambda: address_and("serial"))
@limiter.limit(address_limit, methods=["POST"])
@public
def lookup() -> Response:
    """Typing the serial and the surname from the paper, for a QR code that will not scan."""
    form = LookupForm()
    if form.validate_on_submit() and (problem := _serial_problem(form.serial.data or "")):
        # Said apart from a miss: the typed text alone shows it, so it tells nothing of the records.
        form.serial.errors = [problem]
    elif form.validate_on_submit():
        doc = verifying.lookup(db.session, form.serial.data or "", form.surname.data or "")
        if doc is not None:
            zone = settings_of(current_app).zone
            result, found = verifying.check_blob(db.session, doc.payload, zone, _key_cache())
            _log_verdict(result, "lookup")
            return _verdict_page(result, found)
        note(event="diploma_check", how="lookup", verdict="miss")
        form.serial.errors = [
            _("No diploma matches this serial and surname. Check both against the paper.")
        ]
    return _noindex(make_response(render_template("diplomas/lookup.html", form=form)))


@verify_bp.route("/.well-known/integrity/diploma-keys.json")
@public
def key_list() -> Response:
    response = jsonify(keys.key_list(db.session, settings_of(current_app)))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@verify_bp.route("/.well-known/integrity/diploma-status.json")
@public
def status_list() -> Response:
    document = keys.status_list_document(db.session)
    if document is None:
        abort(404)
    response = jsonify(document)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


__all__ = ["verify_bp"]

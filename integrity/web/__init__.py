"""Request-level wiring: language choice, access checks, security headers and error pages."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import flask_babel
from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from integrity.errors import DomainError
from integrity.extensions import db, login_manager
from integrity.logs import logged_path
from integrity.settings import settings_of
from integrity.web.access import access_of, enforce_access

MENU = "integrity.menu"
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


F = TypeVar("F", bound=Callable[..., Any])


def language_links(view: F) -> F:
    """Mark a page that switches language by plain ``?lang=`` links (no form, no session, no
    script), like the diploma verification page a phone opens from a QR code."""
    view.language_links = True  # type: ignore[attr-defined]
    return view


def _language_by_link() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "language_links", False))


def select_locale() -> str:
    if not has_request_context():
        return cli_locale()
    if _language_by_link() and request.args.get("lang") in LANGUAGES:
        return str(request.args["lang"])
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def cli_locale() -> str:
    """Commands speak the language of INTEGRITY_LANG, else of the terminal's LANG, else the default."""
    for variable in ("INTEGRITY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        code = os.environ.get(variable, "")[:2].lower()
        if code in LANGUAGES:
            return code
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("You do not have access to this page."),
        404: _("There is no such page."),
        405: _("This address does not accept that kind of request."),
        409: _("This conflicts with the current state."),
        413: _("The file is too large: the limit is %(mb)s MB.", mb=_upload_limit_mb()),
        422: _("Some of the data is not valid."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
    }


def _upload_limit_mb() -> int:
    return int(settings_of(current_app).max_upload_mb)


def error_response(status: int, message: str | None = None, **details: Any) -> tuple[Any, int]:
    text = message or _messages().get(status) or _messages()[500 if status >= 500 else 400]
    if _wants_json():
        return jsonify({"error": {"status": status, "message": text, **details}}), status
    return render_template("error.html", status=status, message=text), status


@dataclass(frozen=True)
class MenuEntry:
    """A link of the main menu; whom it shows to comes from its route's access declaration."""

    endpoint: str
    label: Any  # a lazy translation


def menu_for(app: Flask, user: Any) -> list[tuple[str, str]]:
    """(address, label) of every menu entry the user's roles open."""
    entries: tuple[MenuEntry, ...] = app.extensions.get(MENU, ())
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        (url_for(entry.endpoint), str(entry.label))
        for entry in entries
        if (access := access_of(app, entry.endpoint)) is not None
        and not access.public
        and access.allows(user)
    ]


def init_app(app: Flask, menu: tuple[MenuEntry, ...] = ()) -> None:
    _signed_in_users(app)
    _per_request(app)
    _error_pages(app)
    _templates(app, menu)


def _signed_in_users(app: Flask) -> None:
    def load_user(user_id: str) -> Any:
        """The user of this request's server-side session: the cookie's user id must belong to
        a session that is still live (not signed out, ended by a change of password or roles,
        idle or too old). A cookie copied before sign-out opens nothing after it."""
        from flask import session

        from integrity.accounts.sessions import sessions_of

        settings = settings_of(app)
        user = sessions_of(app).user_of(
            db.session,
            session.get("sid"),
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            longest=dt.timedelta(hours=settings.session_max_hours),
        )
        if db.session.dirty:  # "last seen" moved, or an outlived session was ended
            db.session.commit()
        return user if user is not None and str(user.id) == user_id else None

    login_manager.user_loader(load_user)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = ""


def _per_request(app: Flask) -> None:
    @app.before_request
    def decide_locale_per_request() -> None:
        # Flask-Babel caches the locale on the application context, which outlives a request
        # when requests run inside an outer context (tests, scripts); each request decides anew.
        flask_babel.refresh()

    app.before_request(enforce_access)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if current_user and current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
        return response


def _error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        return error_response(
            400, _("The form has expired or came from another site. Reload the page and try again.")
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        db.session.rollback()
        return error_response(error.status, str(error.message))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if status == 429:
            return error_response(429)
        response = error_response(status)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            body, code = response
            result: BaseResponse = app.make_response((body, code))
            result.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
            return result
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, logged_path())
        return error_response(500)


class _CurrentSettings:
    """The app's settings as they are now (tests install others), attribute by attribute."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(settings_of(self._app), name)


def _templates(app: Flask, menu: tuple[MenuEntry, ...]) -> None:
    app.extensions[MENU] = menu
    # The organisation's names in footers, read at each render (pages rendered straight from the
    # jinja environment, like the verification page, see it too).
    app.jinja_env.globals["settings"] = _CurrentSettings(app)

    @app.template_filter("localtime")
    def localtime(moment: Any) -> str:
        """A stored (UTC) moment as the centre's local date and time, without the zone's label."""
        from integrity.web.times import local_text

        return "" if moment is None else local_text(settings_of(app).zone, moment)

    @app.template_filter("when")
    def when(moment: Any) -> Any:
        """A stored (UTC) moment in the centre's time, with the zone's label (web.times)."""
        from integrity.web.times import when as in_zone

        return in_zone(settings_of(app).zone, moment)

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        from integrity.accounts.domain import Role
        from integrity.web.times import zone_label

        return {
            "LANGUAGES": LANGUAGES,
            "current_locale": select_locale(),
            "Role": Role,
            "menu": lambda: menu_for(app, current_user),
            "zone_label": lambda: zone_label(settings_of(app).zone),
        }

"""Structured logs: one JSON object per line.

Request lines carry method, path (never the query string, which may hold a searched IIN), status,
duration and the acting user's id. Nothing here ever logs a password, a form body or an IIN.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.settings import settings_of

# Twelve digits in a row look like an IIN; mask them wherever they come from.
_IIN_LIKE = re.compile(r"(?<!\d)\d{12}(?!\d)")

request_log = logging.getLogger("integrity.request")


def scrub(text: str) -> str:
    return _IIN_LIKE.sub("[iin]", text)


F = TypeVar("F", bound=Callable[..., Any])


def private_path(view: F) -> F:
    """Mark a view whose URL itself carries personal data (a diploma's QR code encodes the
    holder's name): logs then keep its route pattern, never the path."""
    view.private_path = True  # type: ignore[attr-defined]
    return view


def note(**fields: Any) -> None:
    """Add fields to this request's one log line (a busy page's event, without a line of its own)."""
    request.environ.setdefault("integrity.log_fields", {}).update(fields)


def logged_path() -> str:
    """The request's path as logs may keep it."""
    rule = request.url_rule
    if rule is not None and request.endpoint:
        view = current_app.view_functions.get(request.endpoint)
        if getattr(view, "private_path", False):
            return rule.rule
    return request.path


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: scrub(v) if isinstance(v, str) else v for k, v in fields.items()})
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(app: Flask) -> None:
    level = str(settings_of(app).log_level).upper()
    root = logging.getLogger("integrity")
    if not any(getattr(h, "_integrity", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._integrity = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    app.logger.handlers = root.handlers
    app.logger.setLevel(level)
    app.logger.propagate = False

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        started = g.get("request_started")
        if request.endpoint == "static":
            return response
        user_id = current_user.get_id() if current_user and current_user.is_authenticated else None
        request_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": logged_path(),
                    "endpoint": request.endpoint,
                    "status": response.status_code,
                    "ms": None
                    if started is None
                    else round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                    **request.environ.get("integrity.log_fields", {}),
                }
            },
        )
        return response

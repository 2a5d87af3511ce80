"""The jury's two blueprints and what their routes share; the routes themselves live in the
modules beside this one, by concept, each importing from here, never from the package."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, make_response
from werkzeug.wrappers import Response

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.registry.models import Round

bp = Blueprint("jury", __name__, url_prefix="/jury")
public_bp = Blueprint("draws", __name__, url_prefix="/draws")

CHAIR = (Role.ADMIN, Role.CHAIR)
WATCHERS = (Role.ADMIN, Role.CHAIR, Role.DIRECTOR, Role.OBSERVER)


def get_round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def json_download(data: dict[str, Any], name: str) -> Response:
    response = make_response(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def private_jpeg(data: bytes) -> Response:
    """A page image for one person's eyes: never cached on the way."""
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""The public draw page: its hashes and contributions at once, its manifest and assignment once
the round's results are frozen, and the algorithm itself for anyone to run."""

from __future__ import annotations

from flask import abort, make_response, render_template
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.jury.domain import format_sixtieths
from integrity.jury.domain.draw import standalone
from integrity.jury.labels import state_labels
from integrity.jury.models import Draw, DrawState
from integrity.jury.services import draws
from integrity.jury.views.blueprint import json_download, public_bp
from integrity.web.access import public


def _publishable(draw: Draw) -> bool:
    """The manifest and the assignment are published with the round's results: until then their
    conflict lists and pairings would tell markers which works share a school with whom."""
    return draw.round.results_frozen_at is not None


@public_bp.route("/<int:draw_id>")
@public
def public_draw(draw_id: int) -> str:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return render_template(
        "jury/public_draw.html",
        draw=draw,
        states=state_labels(),
        publishable=_publishable(draw),
        DrawState=DrawState,
        format_sixtieths=format_sixtieths,
    )


@public_bp.route("/<int:draw_id>.json")
@public
def public_record(draw_id: int) -> Response:
    draw = db.session.get(Draw, draw_id) or abort(404)
    return json_download(
        draws.published_record(draw, with_manifest=_publishable(draw)), f"draw-{draw.id}.json"
    )


@public_bp.route("/verify_draw.py")
@public
def verify_script() -> Response:
    """The algorithm as one file: the very modules the server runs, joined (draw/standalone.py)."""
    source = standalone.served()
    response = make_response(source)
    response.headers["Content-Type"] = "text/x-python; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return response

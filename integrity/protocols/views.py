"""Protocol screens: the chair freezes and publishes; the public results pages show every published
protocol with its versions, hashes and times."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from integrity.access import public, roles
from integrity.accounts.domain import Role
from integrity.audit.chain import Actor
from integrity.extensions import db
from integrity.protocols import services
from integrity.protocols.models import Protocol, ProtocolState
from integrity.registry.models import Event, Round
from integrity.registry.views import perform

bp = Blueprint("protocols", __name__, url_prefix="/protocols")
results_bp = Blueprint("results", __name__, url_prefix="/results")

ACTORS = (Role.ADMIN, Role.CHAIR)
READERS = (Role.ADMIN, Role.CHAIR, Role.ORGANISER, Role.DIRECTOR, Role.OBSERVER)
STEPS = {"freeze": services.freeze, "publish": services.publish, "close": services.close_appeals}


@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@roles(*READERS)
def round_protocols(round_id: int) -> Any:
    round_ = db.session.get(Round, round_id) or abort(404)
    found = services.protocols_of(db.session, round_)
    db.session.commit()  # drafts created on first sight
    if request.method == "POST":
        if not current_user.has_role(*ACTORS):
            abort(403)
        protocol = next((p for p in found if str(p.id) == request.form.get("protocol")), None)
        step = STEPS.get(request.form.get("step", ""))
        if protocol is None or step is None:
            abort(400)
        actor = Actor(current_user.id, current_user.username)
        if perform(None, lambda: step(db.session, actor=actor, protocol=protocol)):
            flash(_("Done."), "success")
        return redirect(url_for(".round_protocols", round_id=round_id))
    return render_template(
        "protocols/round.html",
        round=round_,
        protocols=found,
        states=services.state_labels(),
        can_act=current_user.has_role(*ACTORS),
        ProtocolState=ProtocolState,
    )


@results_bp.route("/events/<int:event_id>")
@public
def event_results(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    return render_template(
        "protocols/results.html",
        event=event,
        protocols=services.published_protocols(db.session, event.id),
        states=services.state_labels(),
    )


def _published(protocol_id: int) -> Protocol:
    protocol = db.session.get(Protocol, protocol_id) or abort(404)
    if protocol.state in (ProtocolState.DRAFT, ProtocolState.FROZEN) or protocol.current is None:
        abort(404)
    return protocol


@results_bp.route("/protocols/<int:protocol_id>")
@public
def protocol_page(protocol_id: int) -> str:
    protocol = _published(protocol_id)
    version = protocol.current
    assert version is not None
    return render_template(
        "protocols/protocol.html",
        protocol=protocol,
        version=version,
        content=json.loads(version.content),
        states=services.state_labels(),
    )


@results_bp.route("/protocols/<int:protocol_id>.csv")
@public
def protocol_csv(protocol_id: int) -> Response:
    protocol = _published(protocol_id)
    assert protocol.current is not None
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(services.csv_rows(protocol.current))
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="protocol-{protocol.id}-v{protocol.current.number}.csv"'
    )
    return response

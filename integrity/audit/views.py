from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from integrity.accounts.domain import Role
from integrity.audit.labels import AREAS, action_choices
from integrity.audit.log_views import lines
from integrity.audit.services import (
    chain_head,
    count_events,
    list_events,
    recorded_heads,
    verify,
)
from integrity.audit.wiring import head_sources_of
from integrity.extensions import db
from integrity.web.access import roles
from integrity.web.pagination import Page

bp = Blueprint("audit", __name__, url_prefix="/audit")

READERS = (Role.ADMIN, Role.DIRECTOR, Role.CHAIR, Role.OBSERVER)


@bp.route("/")
@roles(*READERS)
def log() -> str:
    action = request.args.get("action", "").strip()
    page = Page.from_request(count_events(db.session, action=action))
    events = list_events(db.session, action=action, limit=page.size, offset=page.offset)
    seq, digest = chain_head(db.session)
    return render_template(
        "audit/log.html", lines=lines(db.session, events, current_user), page=page, action=action,
        areas=AREAS, choices=action_choices(), head_seq=seq, head_hash=digest,
    )  # fmt: skip


@bp.route("/verify", methods=["POST"])
@roles(*READERS)
def verify_chain() -> str:
    report = verify(db.session, published=recorded_heads(db.session, head_sources_of(current_app)))
    return render_template("audit/verify.html", report=report)

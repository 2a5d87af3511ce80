from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.audit.models import AuditEvent
from integrity.audit.services import chain_head, recorded_heads, verify
from integrity.audit.wiring import head_sources_of
from integrity.extensions import db
from integrity.web.access import roles
from integrity.web.pagination import Page

bp = Blueprint("audit", __name__, url_prefix="/audit")

READERS = (Role.ADMIN, Role.DIRECTOR, Role.CHAIR, Role.OBSERVER)


@bp.route("/")
@roles(*READERS)
def log() -> str:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    total = (
        db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    page = Page.from_request(total)
    events = db.session.execute(query.limit(page.size).offset(page.offset)).scalars().all()
    seq, digest = chain_head(db.session)
    return render_template(
        "audit/log.html", events=events, page=page, action=action, head_seq=seq, head_hash=digest
    )


@bp.route("/verify", methods=["POST"])
@roles(*READERS)
def verify_chain() -> str:
    report = verify(db.session, published=recorded_heads(db.session, head_sources_of(current_app)))
    return render_template("audit/verify.html", report=report)

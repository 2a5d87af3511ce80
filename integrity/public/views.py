"""Pages anyone may open without signing in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from sqlalchemy import func, select

from integrity.audit.services import chain_head
from integrity.extensions import db
from integrity.registry.models import Entry, Event, Round, Subject
from integrity.web.access import public

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def home() -> str:
    seq, digest = chain_head(db.session)
    counts = dict(
        db.session.execute(
            select(Subject.event_id, func.count(Entry.id))
            .join(Round, Round.subject_id == Subject.id)
            .join(Entry, Entry.round_id == Round.id)
            .group_by(Subject.event_id)
        ).all()
    )
    events = (
        db.session.execute(select(Event).order_by(Event.created_at.desc()).limit(20))
        .scalars()
        .all()
    )
    return render_template(
        "public/home.html", head_seq=seq, head_hash=digest, events=events, entry_counts=counts
    )


@bp.route("/health")
@public
def health() -> Any:
    """For load balancers and the benchmarks: answers without touching the database."""
    return jsonify({"status": "ok"})


@bp.route("/audit/head.json")
@public
def audit_head() -> Any:
    seq, digest = chain_head(db.session)
    return jsonify({"seq": seq, "hash": digest})

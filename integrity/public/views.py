"""Pages anyone may open without signing in. They sit above every area and read each through
its read side (``services.queries``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template

from integrity.audit.services import chain_head
from integrity.extensions import db
from integrity.public import home as page
from integrity.web.access import public

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def home() -> str:
    seq, digest = chain_head(db.session)
    return render_template(
        "public/home.html",
        head_seq=seq,
        head_hash=digest,
        events=page.event_results(db.session),
        ledger=page.ledger_rounds(db.session),
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

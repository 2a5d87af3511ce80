"""The public ledger: every frozen round's works by cipher, with hashes anyone can check, and the
round's jury draws. A public page, so it sits above the areas whose records it shows (scans, jury)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.jury.models import Draw
from integrity.registry.models import Round
from integrity.scans.models import PageStatus, ScanRound, Work
from integrity.web.access import public

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


def _frozen(round_id: int) -> tuple[Round, ScanRound]:
    state = db.session.get(ScanRound, round_id)
    if state is None or state.frozen_at is None:
        abort(404)
    round_ = db.session.get(Round, round_id) or abort(404)
    return round_, state


def _work_record(work: Work) -> dict[str, object]:
    pages = sorted(
        (p for p in work.pages if p.status in (PageStatus.ANSWER, PageStatus.EXTRA)),
        key=lambda p: p.page_no or 0,
    )
    return {
        "cipher": work.cipher,
        "round_id": work.round_id,
        "pages": [
            {"page": p.page_no, "image_sha256": p.masked_sha256, "page_hash": p.page_hash}
            for p in pages
        ],
        "work_hash": work.work_hash,
        "algorithm": "integrity-ledger-v1 (see README: The public ledger)",
    }


@bp.route("/")
@public
def index() -> str:
    rows = db.session.execute(
        select(Round, ScanRound)
        .join(ScanRound, ScanRound.round_id == Round.id)
        .where(ScanRound.frozen_at.is_not(None))
        .order_by(ScanRound.frozen_at.desc())
    ).all()
    return render_template("ledger/index.html", rows=rows)


@bp.route("/rounds/<int:round_id>")
@public
def round_(round_id: int) -> str:
    round_, state = _frozen(round_id)
    works = (
        db.session.execute(select(Work).where(Work.round_id == round_id).order_by(Work.cipher))
        .scalars()
        .all()
    )
    draws = (
        db.session.execute(select(Draw).where(Draw.round_id == round_id).order_by(Draw.id))
        .scalars()
        .all()
    )
    return render_template("ledger/round.html", round=round_, state=state, works=works, draws=draws)


@bp.route("/rounds/<int:round_id>.json")
@public
def round_json(round_id: int) -> Response:
    round_, state = _frozen(round_id)
    works = (
        db.session.execute(select(Work).where(Work.round_id == round_id).order_by(Work.cipher))
        .scalars()
        .all()
    )
    return jsonify(
        {
            "round_id": round_.id,
            "frozen_at": state.frozen_at.isoformat() if state.frozen_at else None,
            "ledger_hash": state.ledger_hash,
            "chain_head": state.chain_head,
            "works": [
                {"cipher": w.cipher, "pages": len(w.pages), "work_hash": w.work_hash} for w in works
            ],
        }
    )


@bp.route("/works/<cipher>.json")
@public
def work_json(cipher: str) -> Response:
    work = db.session.execute(
        select(Work).where(Work.cipher == cipher.upper())
    ).scalar_one_or_none()
    if work is None or work.work_hash is None:
        abort(404)
    response = jsonify(_work_record(work))
    response.headers["Content-Disposition"] = f'attachment; filename="work-{work.cipher}.json"'
    return response

"""The public ledger: every frozen round's works by cipher, with hashes anyone can check, and the
round's jury draws. A public page, so it sits above the areas whose records it shows, and reads
them through their read side (scans' and jury's ``services.queries``)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from werkzeug.wrappers import Response

from integrity.extensions import db
from integrity.jury.services.queries import round_draws
from integrity.registry.models import Round
from integrity.scans.models import ScanRound
from integrity.scans.services import queries as scans
from integrity.web.access import public

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


def _frozen(round_id: int) -> tuple[Round, ScanRound]:
    return scans.frozen_round(db.session, round_id) or abort(404)


@bp.route("/")
@public
def index() -> str:
    return render_template("ledger/index.html", rows=scans.frozen_rounds(db.session))


@bp.route("/rounds/<int:round_id>")
@public
def round_(round_id: int) -> str:
    round_, state = _frozen(round_id)
    works = scans.ledger_works(db.session, round_id)
    draws = round_draws(db.session, round_id)
    return render_template("ledger/round.html", round=round_, state=state, works=works, draws=draws)


@bp.route("/rounds/<int:round_id>.json")
@public
def round_json(round_id: int) -> Response:
    round_, state = _frozen(round_id)
    works = scans.ledger_works(db.session, round_id)
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
    work = scans.ledger_work(db.session, cipher) or abort(404)
    response = jsonify(scans.ledger_record(work))
    response.headers["Content-Disposition"] = f'attachment; filename="work-{work.cipher}.json"'
    return response

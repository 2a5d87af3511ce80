"""The scans' blueprint, who may use it, and what every scan page shares: the round from its
address, the round's page (re-shown with a refused form's errors), and the words for the codes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext as _

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.registry.models import Round
from integrity.scans.forms import PrintForm, VoidForm
from integrity.scans.labels import (
    detail_label,
    labelled_totals,
    page_status_labels,
    pages_text,
    scope_label,
    sending_labels,
    sent_text,
    transfer_labels,
    upload_status_labels,
)
from integrity.scans.services import progress, queries
from integrity.scans.wiring import demo_scans_path, freeze_steps_of
from integrity.settings import settings_of
from integrity.web.forms import choice_list

bp = Blueprint("scans", __name__, url_prefix="/scans")

STAFF = (Role.ADMIN, Role.ORGANISER, Role.IT_SPECIALIST)


# Only the scan pages use these labels; every other page would pay for them.
@bp.context_processor
def scan_labels() -> dict[str, object]:
    return {
        "page_status_labels": page_status_labels(),
        "detail_label": detail_label,
        "scope_label": scope_label,
        "upload_status_labels": upload_status_labels(),
        "transfer_labels": transfer_labels(),
        "pages_text": pages_text,
        "sent_text": sent_text,
    }


def round_or_404(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def round_page(round_: Round, **forms: Any) -> str:
    """The round's page; a refused form passes itself in to show its errors."""
    settings = settings_of(current_app)
    page = queries.round_page(db.session, round_, freeze_steps_of(current_app), settings)
    print_form = forms.get("print_form") or PrintForm()
    print_form.room_id.choices = choice_list(
        [(0, _("the whole round")), *((r.id, _("room %(name)s", name=r.name)) for r in page.rooms)]
    )
    return render_template(
        "scans/round.html",
        chunk_size=min(int(settings.upload_chunk_mb), 8) << 20,
        upload_labels=sending_labels(),
        demo_scans=demo_scans_path(current_app, round_.id).exists(),
        round=round_,
        state=page.state,
        print_form=print_form,
        void_form=forms.get("void_form") or VoidForm(),
        runs=page.runs,
        booklets=page.booklets,
        works=page.works,
        uploads=page.uploads,
        transfers=progress.round_progress(db.session, round_).transfers,
        totals=labelled_totals(page.totals, page.works),
        check=page.check,
    )

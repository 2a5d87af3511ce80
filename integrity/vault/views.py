"""The jury chair's vault screens: create the event's vault, unseal a round after its protocol."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from integrity.access import roles
from integrity.accounts.domain import Role
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.registry.models import Event, Round
from integrity.vault import services
from integrity.vault.forms import CreateVaultForm, UnsealForm
from integrity.vault.models import IdentityLink, SealedLink

bp = Blueprint("vault", __name__, url_prefix="/vault")


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@roles(Role.CHAIR)
def event_vault(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    vault = services.vault_for_event(db.session, event.id)
    form = CreateVaultForm()
    shares: list[str] = []
    if vault is None and form.validate_on_submit():
        try:
            shares = services.create_vault(
                db.session,
                actor=current_user.as_actor(),
                event=event,
                passphrase=form.passphrase.data or "",
                threshold=form.threshold.data or 3,
                shares=form.shares.data or 5,
            )
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            vault = services.vault_for_event(db.session, event.id)
    rounds = [r for s in event.subjects for r in s.rounds]
    sealed = dict(
        db.session.execute(
            select(SealedLink.round_id, func.count()).group_by(SealedLink.round_id)
        ).all()
    )
    opened = dict(
        db.session.execute(
            select(IdentityLink.round_id, func.count()).group_by(IdentityLink.round_id)
        ).all()
    )
    return render_template(
        "vault/event.html",
        event=event,
        vault=vault,
        form=form,
        shares=shares,
        rounds=rounds,
        sealed=sealed,
        opened=opened,
        unseal_form=UnsealForm(),
    )


@bp.route("/rounds/<int:round_id>/unseal", methods=["POST"])
@roles(Role.CHAIR)
def unseal(round_id: int) -> Response:
    round_ = db.session.get(Round, round_id) or abort(404)
    form = UnsealForm()
    if form.validate_on_submit():
        lines = [line.strip() for line in (form.shares.data or "").splitlines() if line.strip()]
        try:
            count = services.unseal_round(
                db.session,
                actor=current_user.as_actor(),
                round_=round_,
                passphrase=form.passphrase.data or None,
                shares=lines,
            )
            from integrity.protocols.services import mark_unsealed

            mark_unsealed(db.session, round_)  # its protocols may now be named
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("%(n)d works unsealed.", n=count), "success")
    return redirect(url_for("vault.event_vault", event_id=round_.subject.event_id))

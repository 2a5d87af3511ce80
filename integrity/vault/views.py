"""The jury chair's vault screens: create the event's vault, unseal a round after its protocol."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template
from flask_login import current_user
from sqlalchemy import func, select

from integrity.accounts.domain import Role
from integrity.errors import DomainError
from integrity.extensions import db
from integrity.registry.models import Event
from integrity.vault import services
from integrity.vault.forms import CreateVaultForm, UnsealForm
from integrity.vault.models import IdentityLink, SealedLink
from integrity.web.access import roles

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

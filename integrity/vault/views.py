"""The jury chair's vault screens: create the event's vault, unseal a round after its protocol."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, abort, render_template

from integrity.accounts.domain import Role
from integrity.extensions import db
from integrity.registry.models import Event
from integrity.vault import services
from integrity.vault.forms import CreateVaultForm
from integrity.web.access import roles
from integrity.web.forms import acting, attempt

bp = Blueprint("vault", __name__, url_prefix="/vault")


def _page(event: Event, form: CreateVaultForm, shares: Sequence[str] = ()) -> str:
    page = services.vault_page(db.session, event)
    return render_template(
        "vault/event.html",
        event=event,
        vault=page.vault,
        form=form,
        shares=list(shares),
        rounds=page.rounds,
        sealed=page.sealed,
        opened=page.opened,
    )


@bp.route("/events/<int:event_id>")
@roles(Role.CHAIR)
def event_vault(event_id: int) -> str:
    event = db.session.get(Event, event_id) or abort(404)
    return _page(event, CreateVaultForm())


@bp.route("/events/<int:event_id>", methods=["POST"])
@roles(Role.CHAIR)
def create_vault(event_id: int) -> str:
    """Create the event's vault; the key shares are shown once, on the page this answers with."""
    event = db.session.get(Event, event_id) or abort(404)
    form = CreateVaultForm()
    shares: list[str] | None = None
    if services.vault_for_event(db.session, event.id) is None and form.validate_on_submit():
        shares = attempt(None, lambda: services.create_vault(
            db.session, actor=acting(), event=event, passphrase=form.passphrase.data or "",
            threshold=form.threshold.data or 3, shares=form.shares.data or 5,
        ))  # fmt: skip
    return _page(event, form, shares or ())

from __future__ import annotations

import click
from flask_babel import gettext as _

from integrity.cli import carry_out, cli_actor, secret_line
from integrity.extensions import db


@click.group("vault")
def vault() -> None:
    """The identity vault: created by the jury chair, opened once after the protocol."""


@vault.command("init")
@click.option("--event", "event_id", type=int, required=True)
@click.option(
    "--threshold", type=int, default=3, show_default=True, help="Shares needed to recover the key."
)
@click.option(
    "--shares",
    type=int,
    default=5,
    show_default=True,
    help="Shares made (one per commission member).",
)
@click.option("--as", "as_user", default=None)
def init_command(event_id: int, threshold: int, shares: int, as_user: str | None) -> None:
    """Create the event's vault. The chair's passphrase is read from standard input; the key shares
    are printed once, to be handed to the commission members, and are not stored."""
    from integrity.registry.models import Event
    from integrity.vault.services import create_vault

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(_("No event with id %(id)d.", id=event_id))
    passphrase = secret_line("Passphrase")
    printed = carry_out(
        lambda: create_vault(
            db.session,
            actor=cli_actor(as_user),
            event=event,
            passphrase=passphrase,
            threshold=threshold,
            shares=shares,
        )
    )
    click.echo(
        _("Vault created. Key shares (any %(k)d of %(n)d recover the key):", k=threshold, n=shares)
    )
    for share in printed:
        click.echo(f"  {share}")

from __future__ import annotations

import sys

import click
from flask_babel import gettext as _

from integrity.cli import cli_actor
from integrity.errors import DomainError
from integrity.extensions import db


def _secret_line(prompt: str) -> str:
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True))
    return sys.stdin.readline().rstrip("\r\n")


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
    passphrase = _secret_line("Passphrase")
    try:
        printed = create_vault(
            db.session,
            actor=cli_actor(as_user),
            event=event,
            passphrase=passphrase,
            threshold=threshold,
            shares=shares,
        )
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(
        _("Vault created. Key shares (any %(k)d of %(n)d recover the key):", k=threshold, n=shares)
    )
    for share in printed:
        click.echo(f"  {share}")


@vault.command("unseal")
@click.option("--round", "round_id", type=int, required=True)
@click.option(
    "--shares",
    "use_shares",
    is_flag=True,
    help="Read key shares (one a line) instead of the passphrase.",
)
@click.option("--as", "as_user", default=None)
def unseal_command(round_id: int, use_shares: bool, as_user: str | None) -> None:
    """Unseal who is behind each cipher of a round (after its appeals are closed)."""
    from integrity.registry.models import Round
    from integrity.vault.services import unseal_round

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(_("No round with id %(id)d.", id=round_id))
    try:
        if use_shares:
            lines = [line.strip() for line in sys.stdin if line.strip()]
            count = unseal_round(db.session, actor=cli_actor(as_user), round_=round_, shares=lines)
        else:
            count = unseal_round(
                db.session,
                actor=cli_actor(as_user),
                round_=round_,
                passphrase=_secret_line("Passphrase"),
            )
        from integrity.protocols.services import mark_unsealed

        mark_unsealed(db.session, round_)  # its protocols may now be named
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(_("%(n)d works unsealed.", n=count))

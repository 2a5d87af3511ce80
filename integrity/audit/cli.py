from __future__ import annotations

import click

from integrity.cli import echo_json
from integrity.extensions import db


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit chain."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
def verify_command(as_json: bool) -> None:
    """Recompute every hash; exit 1 and name the first broken event if the chain was altered."""
    from integrity.audit.services import verify

    report = verify(db.session)
    if as_json:
        echo_json(
            {
                "ok": report.ok,
                "events": report.events,
                "head": report.head,
                "first_broken": report.first_broken,
                "reason": report.reason,
            }
        )
    elif report.ok:
        click.echo(f"audit chain intact: {report.events} events, head {report.head}")
    else:
        click.echo(
            f"audit chain BROKEN at event {report.first_broken}: {report.reason} "
            f"({report.events} events verified before it)",
            err=True,
        )
    if not report.ok:
        raise SystemExit(1)


@audit.command("head")
def head_command() -> None:
    """Print the current head: sequence number and hash."""
    from integrity.audit.services import chain_head

    seq, digest = chain_head(db.session)
    click.echo(f"{seq} {digest}")

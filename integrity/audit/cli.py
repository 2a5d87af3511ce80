from __future__ import annotations

from typing import TextIO

import click
from flask import current_app

from integrity.cli import echo_json
from integrity.extensions import db


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit chain."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--against",
    "against",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="A file of heads an observer saved: one 'seq hash' a line, as /audit/head.json shows them.",
)
def verify_command(as_json: bool, against: TextIO | None) -> None:
    """Recompute every hash, and check the chain against its stored head, every head recorded
    when something was published, and an observer's saved heads; exit 1 and name the first
    broken event if the chain was altered or cut back."""
    from integrity.audit.services import read_saved_heads, recorded_heads, verify
    from integrity.audit.wiring import head_sources_of

    try:
        saved = read_saved_heads(against.read()) if against is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--against") from None
    published = recorded_heads(db.session, head_sources_of(current_app))
    report = verify(db.session, published=published, saved=saved)
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
        click.echo(
            f"audit chain intact: {report.events} events, head {report.head}; "
            f"{len(published)} published heads"
            + (f" and {len(saved)} saved heads" if saved else "")
            + " found in it"
        )
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

"""The `integrity` command: Flask's CLI group with one sub-group per area.

Commands parse their arguments, call services, and commit once.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

from integrity.audit.chain import Actor


def cli_actor(username: str | None) -> Actor:
    """Who a command acts as: a named user (`--as`), else the operating-system side ("cli")."""
    if username is None:
        return Actor(None, "cli")
    from integrity.accounts.services import find_user
    from integrity.extensions import db

    user = find_user(db.session, username)
    if user is None:
        raise click.UsageError(f"no such user: {username}")
    return user.as_actor()


def round_or_exit(round_id: int) -> Any:
    """The round with this id, or the command stops saying there is none."""
    from flask_babel import gettext as _

    from integrity.extensions import db
    from integrity.registry.models import Round

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(_("No round with id %(id)d.", id=round_id))
    return round_


def refused(exc: Any) -> click.ClickException:
    """A service's refusal (a DomainError) as the command's error: nothing is committed."""
    from integrity.extensions import db

    db.session.rollback()
    return click.ClickException(str(exc.message))


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def register_commands(app: Flask) -> None:
    from integrity.accounts.cli import users
    from integrity.audit.cli import audit
    from integrity.demo.cli import demo
    from integrity.diplomas.cli import diplomas
    from integrity.jobs.cli import jobs
    from integrity.jury.cli import jury
    from integrity.ops.cli import backup, restore, serve
    from integrity.protocols.cli import protocols
    from integrity.registry.cli import registry
    from integrity.risk.cli import risk
    from integrity.scans.cli import kits, scans
    from integrity.vault.cli import vault

    for command in (
        users,
        audit,
        registry,
        kits,
        scans,
        vault,
        jury,
        protocols,
        diplomas,
        risk,
        jobs,
        demo,
        backup,
        restore,
        serve,
    ):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from integrity import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Integrity: olympiad integrity platform."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

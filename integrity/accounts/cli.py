"""`integrity users ...`: accounts and roles from the command line."""

from __future__ import annotations

import sys

import click

from integrity.accounts.domain import Role
from integrity.cli import carry_out, cli_actor, echo_json
from integrity.extensions import db


@click.group("users")
def users() -> None:
    """Accounts and roles."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--name", "display_name", default="", help="Full name shown in the interface.")
@click.option("--locale", type=click.Choice(["kk", "ru", "en"]), default=None)
@click.option("--as", "as_user", default=None, help="Record the action as this user.")
def add_user(
    username: str,
    roles: tuple[str, ...],
    display_name: str,
    locale: str | None,
    as_user: str | None,
) -> None:
    """Create a user. The password is read from standard input (one line), for scripts."""
    from integrity.accounts.services import create_user

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    user = carry_out(
        lambda: create_user(
            db.session,
            actor=cli_actor(as_user),
            username=username,
            display_name=display_name,
            password=password,
            roles=[Role(r) for r in roles],
            locale=locale,
        )
    )
    click.echo(f"created user {user.username} ({', '.join(sorted(r.value for r in user.roles))})")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_users(as_json: bool) -> None:
    """List users and their roles."""
    from integrity.accounts.services import users_by_name

    rows = users_by_name(db.session)
    data: list[dict[str, object]] = [
        {
            "username": u.username,
            "name": u.display_name,
            "roles": sorted(r.value for r in u.roles),
            "active": u.active,
        }
        for u in rows
    ]
    if as_json:
        echo_json(data)
        return
    for user in rows:
        roles_text = ",".join(sorted(r.value for r in user.roles))
        click.echo(f"{user.username:<24} {roles_text:<40} {'' if user.active else 'inactive'}")

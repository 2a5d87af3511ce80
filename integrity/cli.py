"""Helpers every area's commands share. The command itself is ``integrity.__main__.main``; its
sub-groups are listed in ``create_app``.

Commands parse their arguments, call services, and commit once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from integrity.audit.domain.chain import Actor

T = TypeVar("T")


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


def carry_out(action: Callable[[], T]) -> T:
    """Run a service call and commit once; a refusal (a DomainError) rolls back and becomes the
    command's error. The twin of the views' ``integrity.web.forms.attempt``."""
    from integrity.errors import DomainError
    from integrity.extensions import db

    try:
        result = action()
    except DomainError as exc:
        raise refused(exc) from None
    db.session.commit()
    return result


def refused(exc: Any) -> click.ClickException:
    """A service's refusal (a DomainError) as the command's error: nothing is committed."""
    from integrity.extensions import db

    db.session.rollback()
    return click.ClickException(str(exc.message))


def secret_line(prompt: str) -> str:
    """A secret typed at a prompt without echo, or the next line of standard input (scripts)."""
    if sys.stdin.isatty():
        return str(click.prompt(prompt, hide_input=True))
    return sys.stdin.readline().rstrip("\r\n")


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))

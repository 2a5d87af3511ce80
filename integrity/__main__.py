"""The ``integrity`` command (and ``python -m integrity``): Flask's CLI group, whose sub-groups,
one per area, ``create_app`` adds."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from integrity import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Integrity: olympiad integrity platform."""


if __name__ == "__main__":
    sys.exit(main())

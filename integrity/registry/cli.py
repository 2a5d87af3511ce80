"""`integrity registry ...`: importing and exporting lists, listing events."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from integrity.cli import cli_actor, echo_json
from integrity.extensions import db
from integrity.registry.models import Event, Round
from integrity.settings import settings_of

if TYPE_CHECKING:
    from integrity.registry.domain import RowError
    from integrity.registry.services.imports import ImportResult


@click.group("registry")
def registry() -> None:
    """Events, schools, participants and jurors."""


@registry.group("import")
def import_group() -> None:
    """Import participants or jurors from CSV (UTF-8, UTF-8 BOM, Windows-1251) or XLSX."""


def _run_import(
    kind: str,
    file: Path,
    event_id: int,
    dry_run: bool,
    as_json: bool,
    as_user: str | None,
    accept_unknown_columns: bool,
) -> None:
    from integrity.registry.domain import ImportRejected
    from integrity.registry.domain.tabular import TableError
    from integrity.registry.services.imports import (
        import_jurors,
        import_participants,
        table_limits,
    )

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(_("No event with id %(id)d.", id=event_id))
    importer = import_participants if kind == "participants" else import_jurors
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror}") from None
    try:
        result = importer(
            db.session,
            actor=cli_actor(as_user),
            event=event,
            data=data,
            filename=file.name,
            dry_run=dry_run,
            accept_unknown_columns=accept_unknown_columns,
            limits=table_limits(settings_of(current_app)),
        )
    except TableError as exc:
        db.session.rollback()
        _table_refused(file, exc.code, as_json)
    except ImportRejected as exc:
        db.session.rollback()
        _rows_refused(file, exc.errors, as_json)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    _imported(file, result, dry_run, as_json)


def _table_refused(file: Path, code: str, as_json: bool) -> NoReturn:
    """The file itself could not be read: say why and exit 1."""
    from integrity.registry.labels import TABLE_PROBLEMS

    message = f"{file.name}: {TABLE_PROBLEMS.get(code, code)}"
    if as_json:
        echo_json({"ok": False, "file": file.name, "error": code, "message": message})
    else:
        click.echo(message, err=True)
    raise SystemExit(1)


def _rows_refused(file: Path, row_errors: list[RowError], as_json: bool) -> NoReturn:
    """Some rows are bad, so nothing was imported: list every problem and exit 1."""
    from integrity.registry.labels import field_text, problem_text

    errors = [
        {
            "row": e.row,
            "field": e.field,
            "problem": e.problem,
            "value": e.value,
            "message": f"{field_text(e.field)}: {problem_text(e.problem)}",
        }
        for e in row_errors
    ]
    if as_json:
        echo_json({"ok": False, "file": file.name, "errors": errors})
    else:
        click.echo(
            ngettext(
                "%(file)s: nothing was imported; %(num)d problem:",
                "%(file)s: nothing was imported; %(num)d problems:",
                len(errors),
                file=file.name,
            ),
            err=True,
        )
        for e in errors:
            shown = f" ({e['value']})" if e["value"] else ""
            click.echo("  " + _("row %(row)d", row=e["row"]) + f": {e['message']}{shown}", err=True)
    raise SystemExit(1)


def _imported(file: Path, result: ImportResult, dry_run: bool, as_json: bool) -> None:
    """What the import did (or, on a dry run, would do)."""
    if as_json:
        echo_json({"ok": True, "file": file.name, **result.as_dict()})
        return
    summary = _(
        "%(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(entries)d new entries",
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        entries=result.entries_created,
    )
    prefix = _("checked, nothing saved") if dry_run else _("imported")
    click.echo(f"{file.name}: {prefix}: {summary}")
    if result.ignored_columns:
        click.echo(
            _("These columns were ignored: %(columns)s.", columns=", ".join(result.ignored_columns))
        )


_file = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_event = click.option("--event", "event_id", type=int, required=True, help="Event id.")
_dry = click.option("--dry-run", is_flag=True, help="Check everything, save nothing.")
_json = click.option("--json", "as_json", is_flag=True, help="Machine-readable answer.")
_as = click.option("--as", "as_user", default=None, help="Record the import as this user.")
_unknown = click.option(
    "--accept-unknown-columns",
    is_flag=True,
    help="Import even if some columns are not known (they are ignored, and named).",
)


@import_group.command("participants")
@_file
@_event
@_dry
@_json
@_as
@_unknown
def import_participants_command(
    file: Path,
    event_id: int,
    dry_run: bool,
    as_json: bool,
    as_user: str | None,
    accept_unknown_columns: bool,
) -> None:
    """Import participants into an event; exit 1 listing every bad row."""
    _run_import("participants", file, event_id, dry_run, as_json, as_user, accept_unknown_columns)


@import_group.command("jurors")
@_file
@_event
@_dry
@_json
@_as
@_unknown
def import_jurors_command(
    file: Path,
    event_id: int,
    dry_run: bool,
    as_json: bool,
    as_user: str | None,
    accept_unknown_columns: bool,
) -> None:
    """Import jurors (with their subjects in this event); exit 1 listing every bad row."""
    _run_import("jurors", file, event_id, dry_run, as_json, as_user, accept_unknown_columns)


@registry.command("export")
@click.option("--event", "event_id", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(event_id: int, fmt: str, out: Path) -> None:
    """Export an event's participants in the import's column layout."""
    from integrity.registry.services import exports

    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"no event with id {event_id}")
    rows = exports.participant_rows(db.session, event)
    out.write_bytes(exports.to_csv(rows) if fmt == "csv" else exports.to_xlsx(rows))
    click.echo(f"wrote {len(rows)} rows to {out}")


@registry.command("events")
@click.option("--json", "as_json", is_flag=True)
def list_events(as_json: bool) -> None:
    """List events with their ids."""
    from integrity.registry.services import queries

    rows = queries.events_by_id(db.session)
    data = [
        {"id": e.id, "title": e.title_kk, "kind": e.kind.value, "year": e.academic_year}
        for e in rows
    ]
    if as_json:
        echo_json(data)
    else:
        for item in data:
            click.echo(f"{item['id']:>4}  {item['year']}  {item['title']}")


def round_or_exit(round_id: int) -> Round:
    """The round with this id, or the command stops saying there is none (every area's commands)."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(_("No round with id %(id)d.", id=round_id))
    return round_

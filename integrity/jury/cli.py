"""`integrity jury …`: the conflict check and the draw ceremony from the command line."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _

from integrity.cli import carry_out, cli_actor, echo_json
from integrity.extensions import db
from integrity.registry.cli import round_or_exit
from integrity.settings import settings_of


@click.group("jury")
def jury() -> None:
    """The jury: conflicts of interest and the verifiable draw."""


@jury.command("conflicts")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def conflicts_command(round_id: int, as_json: bool) -> None:
    """List the round's hard and potential conflicts (juror, participant, reasons, decision)."""
    from integrity.jury.labels import reason_labels
    from integrity.jury.services import conflicts

    report = conflicts.check_round(db.session, round_or_exit(round_id))
    rows = [
        {
            "juror_id": row.juror.id,
            "juror": row.juror.full_name,
            "entry_id": row.entry.id,
            "participant": row.entry.participant.full_name,
            "hard": row.conflict.hard,
            "reasons": [r.value for r in row.conflict.reasons],
            "decision": None
            if row.decision is None
            else ("confirmed" if row.decision.confirmed else "dismissed"),
        }
        for row in report.rows
    ]
    if as_json:
        echo_json({"round_id": round_id, "frozen": report.frozen, "conflicts": rows,
                   "undecided": len(report.undecided)})  # fmt: skip
        return
    labels = reason_labels()
    for row in report.rows:
        kind = _("hard") if row.conflict.hard else _("potential")
        decided = ""
        if row.decision is not None:
            decided = " · " + (_("confirmed") if row.decision.confirmed else _("dismissed"))
        reasons = "; ".join(labels[r] for r in row.conflict.reasons)
        click.echo(
            f"{kind}: {row.juror.full_name} × {row.entry.participant.full_name}: {reasons}{decided}"
        )
    click.echo(
        _(
            "%(hard)d hard, %(potential)d potential, %(undecided)d undecided.",
            hard=len(report.hard),
            potential=len(report.potential),
            undecided=len(report.undecided),
        )
    )


@jury.group("draw")
def draw_group() -> None:
    """The draw ceremony: freeze, commit, contribute (two or more), reveal."""


def _draw(round_id: int) -> Any:
    from integrity.jury.services import draws

    found = draws.active_draw(db.session, round_or_exit(round_id))
    if found is None:
        raise click.ClickException(_("This round has no draw under way; freeze one first."))
    return found


def _show(draw: Any, as_json: bool) -> None:
    from integrity.jury.labels import state_labels
    from integrity.jury.services import draws

    record = draws.published_record(draw, with_manifest=False)
    record["state"] = draw.state.value
    if as_json:
        echo_json(record)
        return
    click.echo(f"draw {draw.id}: {state_labels()[draw.state]}")
    for key in ("manifest_sha256", "commitment", "secret", "final_seed", "assignment_sha256"):
        if record.get(key):
            click.echo(f"  {key}: {record[key]}")
    for c in record["contributions"]:
        click.echo(f"  #{c['position']} {c['contributor']}: {c['value']}")


def _capacities(values: tuple[str, ...]) -> dict[int, int]:
    from integrity.jury.domain import parse_capacities

    try:
        return parse_capacities(values)
    except ValueError:
        raise click.BadParameter(
            _("write JUROR_ID=MOST_WORKS, e.g. 17=5"), param_hint="--capacity"
        ) from None


@draw_group.command("freeze")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--mode", type=click.Choice(["double", "panel"]), default=None)
@click.option("--size", type=int, default=None, help="k markers per work, or the panel size.")
@click.option("--capacity", "capacity", multiple=True, help="JUROR_ID=MOST_WORKS (repeatable).")
@click.option("--as", "as_user", default=None)
@click.option("--json", "as_json", is_flag=True)
def freeze_command(
    round_id: int,
    mode: str | None,
    size: int | None,
    capacity: tuple[str, ...],
    as_user: str | None,
    as_json: bool,
) -> None:
    """Freeze the round's draw manifest and print its SHA-256."""
    from integrity.jury.services import draws

    actor, round_ = cli_actor(as_user), round_or_exit(round_id)
    draw = carry_out(lambda: draws.freeze(db.session, actor=actor, round_=round_, mode=mode,
                                          size=size, capacities=_capacities(capacity)))  # fmt: skip
    _show(draw, as_json)


def _step(round_id: int, as_user: str | None, act: Callable[..., object]) -> Any:
    """One ceremony step on the round's draw: the service call, committed once, or its refusal."""
    draw = _draw(round_id)
    actor = cli_actor(as_user)
    carry_out(lambda: act(db.session, actor=actor, draw=draw))
    return draw


@draw_group.command("commit")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
@click.option("--json", "as_json", is_flag=True)
def commit_command(round_id: int, as_user: str | None, as_json: bool) -> None:
    """Commit to a secret seed and print its SHA-256 (to publish before any contribution)."""
    from integrity.jury.services import draws

    _show(
        _step(round_id, as_user, partial(draws.commit, settings=settings_of(current_app))), as_json
    )


@draw_group.command("contribute")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--name", "contributor", required=True, help="Who contributes (name, role).")
@click.option("--value", required=True, help="The contribution, e.g. the dice rolled.")
@click.option("--as", "as_user", default=None)
@click.option("--json", "as_json", is_flag=True)
def contribute_command(
    round_id: int, contributor: str, value: str, as_user: str | None, as_json: bool
) -> None:
    """Enter one person's contribution."""
    from integrity.jury.services import draws

    draw = _step(round_id, as_user,
                 partial(draws.contribute, contributor=contributor, value=value))  # fmt: skip
    _show(draw, as_json)


@draw_group.command("reveal")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
@click.option("--json", "as_json", is_flag=True)
def reveal_command(round_id: int, as_user: str | None, as_json: bool) -> None:
    """Reveal the secret, derive the final seed and write the assignment."""
    from integrity.jury.services import draws

    _show(
        _step(round_id, as_user, partial(draws.reveal, settings=settings_of(current_app))), as_json
    )


@draw_group.command("cancel")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--reason", required=True)
@click.option("--as", "as_user", default=None)
def cancel_command(round_id: int, reason: str, as_user: str | None) -> None:
    """Cancel the draw under way (only before its reveal)."""
    from integrity.jury.services import draws

    _step(round_id, as_user, partial(draws.cancel, reason=reason))
    click.echo(_("Cancelled."))


@draw_group.command("show")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--record", "record_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the full record (manifest included) for verify_draw.py.")  # fmt: skip
def show_command(round_id: int, as_json: bool, record_path: str | None) -> None:
    """Show the draw under way (or the last one revealed)."""
    import json

    from integrity.jury.services import draws

    draw = _draw(round_id)
    _show(draw, as_json)
    if record_path:
        with open(record_path, "w", encoding="utf-8") as handle:
            json.dump(draws.published_record(draw, with_manifest=True), handle,
                      ensure_ascii=False, indent=1)  # fmt: skip

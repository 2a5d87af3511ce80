"""`integrity protocols …`: freeze, publish, close appeals, export."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _

from integrity import spreadsheets
from integrity.cli import carry_out, cli_actor, echo_json, secret_line
from integrity.extensions import db
from integrity.registry.cli import round_or_exit
from integrity.settings import settings_of


def _chosen(round_id: int, grade: int | None) -> list[Any]:
    from integrity.protocols import services

    found = services.protocols_of(db.session, round_or_exit(round_id))
    if grade is not None:
        found = [p for p in found if p.grade == grade]
    if not found:
        raise click.ClickException(_("No protocol: are the round's scans frozen?"))
    return found


def _summary(protocol: Any) -> dict[str, Any]:
    version = protocol.current
    return {
        "protocol_id": protocol.id,
        "round_id": protocol.round_id,
        "grade": protocol.grade,
        "state": protocol.state.value,
        "version": version.number if version else None,
        "content_sha256": version.content_sha256 if version else None,
        "chain_head": version.chain_head if version else None,
        "appeals_until": protocol.appeals_until,
    }


def _step(
    step: str, round_id: int, grade: int | None, as_user: str | None, as_json: bool, **extra: Any
) -> None:
    from integrity.protocols import services

    actor = cli_actor(as_user)
    chosen = _chosen(round_id, grade)
    action = partial(getattr(services, step), **extra)
    if step == "close_appeals":  # a refusal states the window's end in the centre's time
        action = partial(action, zone=settings_of(current_app).zone)
    carry_out(lambda: services.advance_grades(db.session, actor=actor, protocols=chosen,
                                              step=action))  # fmt: skip
    done = [_summary(protocol) for protocol in chosen]
    if as_json:
        echo_json(done)
    else:
        for item in done:
            click.echo(f"grade {item['grade']}: {item['state']} v{item['version']} "
                       f"{item['content_sha256']}")  # fmt: skip


@click.group("protocols")
def protocols() -> None:
    """Score protocols: freeze (hash and chain head), publish, close appeals, export."""


def _options(f: Any) -> Any:
    f = click.option("--json", "as_json", is_flag=True)(f)
    f = click.option("--as", "as_user", default=None)(f)
    f = click.option("--grade", type=int, default=None, help="Only this grade's protocol.")(f)
    return click.option("--round", "round_id", type=int, required=True)(f)


@protocols.command("freeze")
@_options
@click.option("--place", default=None, help="Where the protocol is drawn up, as «Тараз қ.».")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--chair", default=None, help="The jury's chair, as the protocol names them.")
@click.option("--member", "members", multiple=True, help="A member of the jury (repeat).")
def freeze_command(
    round_id: int,
    grade: int | None,
    as_user: str | None,
    as_json: bool,
    place: str | None,
    day: Any,
    chair: str | None,
    members: tuple[str, ...],
) -> None:
    """Freeze the round's protocols (one per grade): ciphered from a draft (published at once),
    named once unsealed. With --place, --date, --chair and --member the protocols are signed with
    them (all four, as the freeze page asks); without, they print blank lines to fill by hand."""
    from integrity.protocols.services import signing

    if place is None and day is None and chair is None and not members:
        _step("advance_freeze", round_id, grade, as_user, as_json)
        return
    confirmed = carry_out(lambda: signing.checked(place or "", day.date() if day else None,
                                                  chair or "", "\n".join(members)))  # fmt: skip
    _step("advance_freeze", round_id, grade, as_user, as_json, signing=confirmed)


@protocols.command("publish")
@_options
def publish_command(round_id: int, grade: int | None, as_user: str | None, as_json: bool) -> None:
    """Publish the final named protocols (a ciphered one is published when it is frozen)."""
    _step("advance_publish", round_id, grade, as_user, as_json)


@protocols.command("close-appeals")
@_options
def close_command(round_id: int, grade: int | None, as_user: str | None, as_json: bool) -> None:
    """Close the appeal windows that have run out."""
    _step("close_appeals", round_id, grade, as_user, as_json)


@protocols.command("export")
@click.option("--round", "round_id", type=int, required=True)
@click.option("--grade", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "pdf", "xlsx"]), default="csv")
@click.option("--lang", type=click.Choice(["kk", "ru"]), default="kk", help="For PDF and XLSX.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(round_id: int, grade: int, fmt: str, lang: str, out: Path) -> None:
    """Write the protocol's current version: CSV, PDF or XLSX (kk or ru), or its canonical JSON."""
    from integrity.protocols import services

    (protocol,) = _chosen(round_id, grade)
    version = protocol.current
    if version is None:
        raise click.ClickException(_("This protocol is not frozen yet."))
    if fmt == "json":
        out.write_text(version.content, encoding="utf-8")
    elif fmt in ("pdf", "xlsx"):
        out.write_bytes(services.document(version, fmt, lang))
    else:
        out.write_bytes(spreadsheets.csv_bytes(services.csv_rows(version)))
    click.echo(str(out))


@click.command("unseal")
@click.option("--round", "round_id", type=int, required=True)
@click.option(
    "--shares",
    "use_shares",
    is_flag=True,
    help="Read key shares (one a line) instead of the passphrase.",
)
@click.option("--as", "as_user", default=None)
def unseal_command(round_id: int, use_shares: bool, as_user: str | None) -> None:
    """Unseal who is behind each cipher of a round (the chair, after its appeals are closed), so
    that its protocols can be frozen with names. Also `integrity vault unseal`."""
    import sys

    from integrity.protocols.services.unsealing import unseal_round

    round_ = round_or_exit(round_id)
    actor = cli_actor(as_user)
    if use_shares:
        lines = [line.strip() for line in sys.stdin if line.strip()]
        count = carry_out(
            lambda: unseal_round(db.session, actor=actor, round_=round_, shares=lines)
        )
    else:
        passphrase = secret_line("Passphrase")
        count = carry_out(
            lambda: unseal_round(db.session, actor=actor, round_=round_, passphrase=passphrase)
        )
    click.echo(_("%(n)d works unsealed.", n=count))


protocols.add_command(unseal_command)


def _numbers(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    return [None if part.strip() in ("", "-") else float(part) for part in text.split(",")]


@protocols.command("policy")
@click.option("--event", "event_id", type=int, required=True)
@click.option(
    "--kind", type=click.Choice(["quota", "counts", "thresholds", "none"]), default="quota"
)
@click.option("--winners-percent", type=float, default=None, help="quota: winners at most (45).")
@click.option("--split", default=None, help="quota: I,II,III shares adding up to 100 (20,30,50).")
@click.option("--counts", default=None, help="counts: I,II,III numbers of awards, e.g. 1,2,3.")
@click.option(
    "--thresholds", default=None, help="thresholds: I,II,III minimum points (- for none)."
)
@click.option("--appeal-hours", type=int, default=None, help="The appeal window (24).")
@click.option("--as", "as_user", default=None)
def policy_command(
    event_id: int,
    kind: str,
    winners_percent: float | None,
    split: str | None,
    counts: str | None,
    thresholds: str | None,
    appeal_hours: int | None,
    as_user: str | None,
) -> None:
    """Set an event's prize policy and appeal window (before any of its protocols is frozen)."""
    from integrity.protocols import services

    config: dict[str, Any] = {"kind": kind}
    try:
        if winners_percent is not None:
            config["winners_percent"] = winners_percent
        if split is not None:
            config["split"] = [int(v or 0) for v in _numbers(split) or []]
        if counts is not None:
            config["counts"] = [int(v or 0) for v in _numbers(counts) or []]
        if thresholds is not None:
            # Points on the command line; sixtieths of a point in the policy.
            config["thresholds"] = [None if v is None else round(v * 60)
                                    for v in _numbers(thresholds) or []]  # fmt: skip
    except ValueError:
        raise click.BadParameter(_("numbers separated by commas")) from None
    actor = cli_actor(as_user)
    carry_out(
        lambda: services.set_policy(
            db.session,
            actor=actor,
            event_id=event_id,
            config=None if config == {"kind": "quota"} else config,
            appeal_hours=appeal_hours,
        )
    )
    click.echo(_("Prize policy set."))


@protocols.command("verify")
@click.option("--json", "as_json", is_flag=True)
def verify_command(as_json: bool) -> None:
    """Recompute each protocol's current version from the live rows and check its hashes; exit 1
    and name the protocol and the ciphers if a score was changed behind the application's back."""
    from integrity.protocols.services import check_versions

    checks = check_versions(db.session)
    bad = [c for c in checks if c.problems]
    if as_json:
        echo_json([{"protocol": c.protocol_id, "version": c.version, "problems": c.problems}
                   for c in checks])  # fmt: skip
    else:
        for check in bad:
            for problem in check.problems:
                click.echo(
                    f"protocol {check.protocol_id} version {check.version}: {problem}", err=True
                )
        click.echo(f"{len(checks) - len(bad)} of {len(checks)} protocol versions match their rows")
    if bad:
        raise SystemExit(1)

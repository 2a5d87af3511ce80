"""`integrity risk …`: the corruption-risk analysis from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _

from integrity.cli import carry_out, cli_actor, echo_json
from integrity.extensions import db
from integrity.risk.domain import wording
from integrity.settings import Settings, settings_of


def _settings() -> Settings:
    return settings_of(current_app)


def _analysis(analysis_id: int) -> Any:
    from integrity.risk.models import Analysis

    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None:
        raise click.ClickException(_("No analysis with id %(id)d.", id=analysis_id))
    return analysis


def _day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.group("risk")
def risk() -> None:
    """The yearly corruption-risk analysis and the platform's integrity indicators."""


@risk.command("indicators")
@click.option("--from", "start", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Last day of the period (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
def indicators_command(start: str, end: str, as_json: bool) -> None:
    """Every indicator for a period, computed now."""
    from integrity.risk.services import measure

    first, last = _day(start), _day(end)
    assert first is not None and last is not None
    readings = measure(db.session, first, last, _settings())
    rows = [{"code": r.indicator.code, "value": r.value.value, "detail": r.value.detail,
             "light": r.light.value} for r in readings]  # fmt: skip
    if as_json:
        echo_json(rows)
        return
    for row, r in zip(rows, readings, strict=True):
        value = "—" if row["value"] is None else f"{row['value']:g}"
        said = wording.detail(r.indicator.code, r.value.detail, "en")
        click.echo(f"{row['light']:<6} {row['code']:<30} {value:>8}  {said}")


@risk.command("new")
@click.option("--from", "start", required=True)
@click.option("--to", "end", required=True)
@click.option("--order", "order_number", default="", help="Number of the order forming the group.")
@click.option("--order-date", default=None)
@click.option("--previous", "previous_id", type=int, default=None, help="The analysis it follows.")
@click.option("--as", "as_user", default=None)
def new_command(
    start: str, end: str, order_number: str, order_date: str | None, previous_id: int | None,
    as_user: str | None,
) -> None:  # fmt: skip
    """Start an analysis (from the previous one: its open findings and unfinished
    recommendations are carried over)."""
    from integrity.risk import services

    first, last = _day(start), _day(end)
    assert first is not None and last is not None
    analysis = carry_out(lambda: services.create(
        db.session, actor=cli_actor(as_user), period_start=first, period_end=last,
        order_number=order_number, order_date=_day(order_date),
        previous=_analysis(previous_id) if previous_id else None,
    ))  # fmt: skip
    click.echo(f"analysis {analysis.id}")


def _step(analysis_id: int, as_user: str | None, step: str, **extra: Any) -> Any:
    from integrity.risk import services

    analysis = _analysis(analysis_id)
    result = carry_out(lambda: getattr(services, step)(
        db.session, actor=cli_actor(as_user), analysis=analysis, **extra
    ))  # fmt: skip
    return analysis, result


@risk.command("compute")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
def compute_command(analysis_id: int, as_user: str | None) -> None:
    """Measure the indicators for the analysis's period; red lights propose findings."""
    analysis, proposed = _step(analysis_id, as_user, "compute", settings=_settings())
    for reading in analysis.readings:
        value = "—" if reading.value is None else f"{reading.value:g}"
        said = wording.detail_of_stored(reading.code, reading.detail, "en")
        click.echo(f"{reading.light:<6} {reading.code:<30} {value:>8}  {said}")
    click.echo(f"{len(proposed)} findings proposed")


@risk.command("review")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
def review_command(analysis_id: int, as_user: str | None) -> None:
    """Send a draft to review."""
    analysis, _ = _step(analysis_id, as_user, "submit_for_review")
    click.echo(analysis.state.value)


@risk.command("sign")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
def sign_command(analysis_id: int, as_user: str | None) -> None:
    """Sign the reviewed analysis: freezes a version (its hash is printed)."""
    _, version = _step(analysis_id, as_user, "sign", settings=_settings())
    click.echo(f"version {version.number} {version.content_sha256}")


@risk.command("publish")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--as", "as_user", default=None)
def publish_command(analysis_id: int, as_user: str | None) -> None:
    analysis, _ = _step(analysis_id, as_user, "publish")
    click.echo(analysis.state.value)


@risk.command("reopen")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--reason", required=True)
@click.option("--as", "as_user", default=None)
def reopen_command(analysis_id: int, reason: str, as_user: str | None) -> None:
    """Make a signed analysis a draft again (signing it again makes a new version)."""
    analysis, _ = _step(analysis_id, as_user, "reopen", reason=reason)
    click.echo(analysis.state.value)


@risk.command("report")
@click.option("--analysis", "analysis_id", type=int, required=True)
@click.option("--lang", type=click.Choice(["kk", "ru"]), default="kk", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--version", "number", type=int, default=None, help="A signed version (default: the last)."
)
def report_command(analysis_id: int, lang: str, fmt: str, out: Path, number: int | None) -> None:
    """Write the report: the last signed version, or an unsigned draft marked as such."""
    from integrity.risk.services.reports import render

    analysis = _analysis(analysis_id)
    data = carry_out(lambda: render(
        db.session, analysis, settings=_settings(), lang=lang, fmt=fmt, number=number
    ))  # fmt: skip
    out.write_bytes(data)
    click.echo(str(out))

"""The systemd units in deploy/ agree with how `integrity serve` and the worker stop."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from integrity.jobs import worker
from integrity.ops import supervise

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize(
    ("name", "command", "own_limit"),
    [
        ("integrity.service", ["serve"], supervise.STOP_SECONDS),
        ("integrity-worker.service", ["jobs", "worker"], worker.STOP_SECONDS),
    ],
)
def test_systemd_lets_each_process_stop_itself_before_killing_what_is_left(
    name: str, command: list[str], own_limit: float
) -> None:
    service = unit(name)["Service"]
    # SIGTERM to the main process only: it stops its own children, in order.
    assert service["KillMode"] == "mixed"
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= own_limit + 5
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/integrity") and argv[1 : 1 + len(command)] == command
    assert service["Restart"] == "on-failure"


def test_the_server_stops_everything_within_fifteen_seconds_by_its_own_clock() -> None:
    assert supervise.GRACEFUL_SECONDS < supervise.STOP_SECONDS < 15
    assert worker.STOP_SECONDS < supervise.STOP_SECONDS

"""`integrity serve`: gunicorn and a job worker as children that never outlive this process.

* SIGTERM or SIGINT here: both children get SIGTERM; gunicorn finishes its requests (up to
  ``GRACEFUL_SECONDS``), the worker puts its running jobs back at their next checkpoint; whatever
  still runs after ``STOP_SECONDS`` is killed. All of it well within 15 s.
* A child that exits on its own (gunicorn cannot bind the port, say) stops the other one and this
  process, with the child's exit status.
* SIGKILL here cannot be caught: on Linux each child asked the kernel for SIGTERM when its parent
  dies (``PR_SET_PDEATHSIG``); elsewhere the worker notices its parent is gone within a second
  (``INTEGRITY_PARENT_PID``) and gunicorn's workers notice theirs.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

STOP_SECONDS = 13.0
GRACEFUL_SECONDS = 10
PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: SIGTERM this child when ``parent`` dies (Linux), at once if it already has."""

    def arrange() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arrange


def supervise(commands: Sequence[Sequence[str]], env: dict[str, str]) -> int:
    """Run the commands as children until one exits or this process is asked to stop."""
    me = os.getpid()
    env = {**env, "INTEGRITY_PARENT_PID": str(me)}
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    children: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            children.append(subprocess.Popen(command, env=env, preexec_fn=die_with(me)))  # noqa: S603  (our own argv; no threads here yet)
        code = 0
        while not stopping:
            ended = [c for c in children if c.poll() is not None]
            if ended:
                status = ended[0].returncode
                code = 128 - status if status < 0 else status
                break
            time.sleep(0.2)
        return stop_all(children) or code
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_all(children: Sequence[subprocess.Popen[bytes]]) -> int:
    """SIGTERM every child still running, SIGKILL what is left after ``STOP_SECONDS``; returns 1
    if something had to be killed."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    killed = 0
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            killed = 1
    return killed

"""Native decoders (pdfium, Pillow's codecs, zxing) read outside files only in child processes.

A file crafted to crash a decoder, or to make it run for minutes or grow without bound, must
cost one child process, never a web worker or the job worker that runs every other job. So:

- the upload request learns a file's kind and page count from ``probe``: a short-lived
  ``python -m integrity.scans.isolation FILE`` with a CPU and a memory limit;
- the ingest job reads pages in a pool of such children (``limit_self`` is their initializer's
  first step), and a pool that breaks is reported as an unreadable file.

No Flask, no database: this runs in the children too.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from integrity.scans.domain import reader

# A child may use this much address space (pdfium and a 60-Mpx page fit with room to spare) ...
CHILD_MEMORY_BYTES = 3 << 30
# ... and this much CPU time to open a file and count its pages.
PROBE_SECONDS = 60
PR_SET_PDEATHSIG = 1
# What the parent reports when a child died, was killed or ran out of time.
READER_FAILED = "reader_failed"


def limit_self(cpu_seconds: int | None = None, *, parent: int | None = None) -> None:
    """Cap this process's memory (and CPU time): a runaway decoder fails instead of the machine.
    And die with the parent: a reader whose job worker was killed must not linger, holding the
    file and its memory, for ever (Linux; elsewhere the pool's own pipes end it)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if parent is not None and os.getppid() != parent:  # it died before the request held
            os._exit(1)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = CHILD_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(hard, CHILD_MEMORY_BYTES)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    if cpu_seconds is not None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def probe(path: Path, *, timeout: float = PROBE_SECONDS) -> tuple[int, str]:
    """The file's page count and kind, read in a child. Raises ``reader.UnreadableFile`` with the
    child's own verdict, or ``READER_FAILED`` when the child crashed or ran out of time."""
    try:
        done = subprocess.run(  # noqa: S603 (this interpreter, this module, a path we made)
            [sys.executable, "-m", "integrity.scans.isolation", str(path), str(os.getpid())],
            capture_output=True,
            timeout=timeout + 5,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise reader.UnreadableFile(READER_FAILED, "timed out") from None
    if done.returncode != 0:
        raise reader.UnreadableFile(READER_FAILED, f"exit status {done.returncode}")
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise reader.UnreadableFile(READER_FAILED, "no answer") from None
    if "problem" in answer:
        raise reader.UnreadableFile(str(answer["problem"]), str(answer.get("detail", "")))
    return int(answer["pages"]), str(answer["kind"])


def _main(argv: list[str]) -> int:
    limit_self(PROBE_SECONDS, parent=int(argv[1]) if len(argv) > 1 else None)
    try:
        with reader.open_source(Path(argv[0])) as source:
            answer: dict[str, object] = {"pages": source.pages, "kind": source.kind}
    except reader.UnreadableFile as exc:
        answer = {"problem": exc.code, "detail": exc.detail[:200]}
    except MemoryError:
        answer = {"problem": READER_FAILED, "detail": "out of memory"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))

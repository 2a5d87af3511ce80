"""`integrity jobs worker`: threads that run jobs, and one thread of upkeep.

The upkeep thread renews the leases of the jobs this worker runs, queues again the jobs of
workers that were lost, submits periodic jobs and sends messages that were never sent. SIGTERM
and SIGINT stop the worker: no new job is taken, each running job commits its next checkpoint
and goes back on the queue, and the worker exits within ``STOP_SECONDS``. A job that reaches no
checkpoint by then is put back by the worker as it exits (its uncommitted work is dropped, and its
lease no longer lets it commit). Started by ``integrity serve``, the worker also stops when that
process is gone, however it ended.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from types import FrameType

from flask import Flask

from integrity.jobs import services
from integrity.jobs.models import Job, JobState
from integrity.jobs.services import Run

log = logging.getLogger("integrity.job")
STOP_SECONDS = 10.0
TICK_SECONDS = 1.0


class Worker:
    def __init__(self, app: Flask, *, threads: int = 1, parent_pid: int | None = None) -> None:
        self.app = app
        self.jobs = services.system(app)
        self.threads = threads
        self.parent_pid = parent_pid
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stop = threading.Event()
        self.running: dict[int, Run] = {}

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        log.info("worker stopping", extra={"fields": {"signal": signal.Signals(signum).name}})
        self.stop.set()

    def _work(self) -> None:
        transport = self.jobs.transport
        while not self.stop.is_set():
            try:
                job_id = transport.receive(timeout=TICK_SECONDS)
            except Exception:
                log.exception("job queue unreachable")
                self.stop.wait(5)
                continue
            if job_id is None:
                continue
            if self.stop.is_set():  # taken off the queue while stopping: back for the next worker
                with self.app.app_context():
                    services.resend(self.jobs, job_id)
                return
            services.execute(
                self.app, job_id, owner=self.owner, stop=self.stop, running=self.running
            )

    def _upkeep(self) -> None:
        while not self.stop.is_set():
            try:
                with self.app.app_context():
                    lost = services.renew(self.owner, list(self.running), self.jobs.lease)
                    for job_id in lost:
                        log.warning("lease lost", extra={"fields": {"job_id": job_id}})
                services.sweep(self.app)
            except Exception:
                log.exception("job upkeep failed")
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                log.warning("worker's parent is gone; stopping")
                self.stop.set()
            self.stop.wait(TICK_SECONDS)

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)
        log.info("worker started", extra={"fields": {"owner": self.owner, "threads": self.threads}})
        workers = [
            threading.Thread(target=self._work, name=f"job-{n}", daemon=True)
            for n in range(self.threads)
        ]
        upkeep = threading.Thread(target=self._upkeep, name="job-upkeep", daemon=True)
        for thread in [*workers, upkeep]:
            thread.start()
        while not self.stop.wait(0.5):
            pass
        deadline = time.monotonic() + STOP_SECONDS
        for thread in workers:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = dict(self.running)
        with self.app.app_context():
            for job_id in left:  # reached no checkpoint in time: back on the queue, uncommitted
                if services.release(job_id, self.owner, state=JobState.QUEUED.value,
                                     lease_until=None, sent_at=None, attempts=Job.attempts - 1):  # fmt: skip
                    log.warning("job put back unfinished", extra={"fields": {"job_id": job_id}})
            services.send_due(self.jobs, list(left))
        upkeep.join(2 * TICK_SECONDS)
        log.info("worker stopped", extra={"fields": {"owner": self.owner}})
        return 0

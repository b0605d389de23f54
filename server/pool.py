"""A pool of query worker processes with a hard time limit per job.

A job that overruns its time is stopped by killing its worker (SIGKILL: the only way to
stop a query inside pyoxigraph); a fresh worker replaces it in the background, so other
requests keep being served by the remaining workers meanwhile. Workers come from a
forkserver (safe beside the server's threads); a replacement is ready in ~0.3 s.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from server.worker import Job, Outcome, worker_main


class JobTimeout(Exception):
    """The job ran past its time limit and its worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class WorkerLost(Exception):
    """The worker died while running the job (e.g. out of memory)."""


@dataclass(eq=False)  # identity, so workers can live in a set
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection


class WorkerPool:
    """SIZE worker processes serving jobs against the store in DIRECTORY."""

    def __init__(self, directory: Path, size: int) -> None:
        self.directory = Path(directory)
        self.size = max(1, size)
        # forkserver: safe to start workers from a threaded server. No preload: every
        # process that would share the preloaded modules counts them in its RSS, and a
        # replacement importing them itself is still ready in ~0.3 s.
        self._ctx = mp.get_context("forkserver")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.kills = 0
        for _ in range(self.size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=worker_main, args=(child, str(self.directory)),
                                    name="dpgkg-query-worker", daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def run(self, job: Job, timeout: float) -> Outcome:
        """Run JOB within TIMEOUT seconds of execution (waiting for a worker not included,
        but bounded by the same TIMEOUT)."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers stayed busy for {timeout:g} s"
                           ) from None
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self._replace(worker)
                raise JobTimeout(f"stopped after {timeout:g} s (the query time limit)")
            outcome: Outcome = worker.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError, OSError) as exc:
            self._replace(worker)
            raise WorkerLost(f"the query worker stopped unexpectedly ({exc!r})") from exc
        self._idle.put(worker)
        return outcome

    def _replace(self, worker: _Worker) -> None:
        """Kill WORKER and start a replacement without holding up the caller."""
        self.kills += 1
        worker.process.kill()
        worker.conn.close()
        with self._lock:
            self._all.discard(worker)

        def restart() -> None:
            worker.process.join(5)
            if not self._closed:
                self._idle.put(self._start())

        threading.Thread(target=restart, name="dpgkg-worker-restart", daemon=True).start()

    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.is_alive())

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        deadline = time.monotonic() + 2
        for w in workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
            w.conn.close()

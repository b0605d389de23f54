"""What one app holds: settings, the worker pool, the response cache and the metrics."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from dpgkg.config import Settings
from dpgkg.query import NamedQuery, named_queries
from dpgkg.store import CURRENT
from server.cache import ResponseCache
from server.metrics import Metrics
from server.pool import WorkerPool
from server.worker import Job, Outcome

EXTENSION = "dpgkg"


@dataclass
class ServerState:
    settings: Settings
    pool: WorkerPool
    cache: ResponseCache
    metrics: Metrics = field(default_factory=Metrics)
    # The named queries, read once: every /queries request (and /, /openapi.json) uses them.
    queries: dict[str, NamedQuery] = field(default_factory=named_queries)
    # One write at a time from this server; the store's own lock keeps builds out.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    _stats_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def store_dir(self) -> Path:
        return Path(self.settings.store)

    def generation(self) -> str:
        """The store's current generation ('' when there is no store yet)."""
        try:
            return os.readlink(self.store_dir / CURRENT)
        except OSError:
            return ""

    def run(self, job: Job, timeout: float | None = None) -> Outcome:
        return self.pool.run(job, self.settings.server.query_timeout
                             if timeout is None else timeout)

    def stats(self) -> dict[str, Any]:
        """Counts per graph and class for this generation (computed once per generation)."""
        generation = self.generation()
        with self._stats_lock:
            if generation in self._stats:
                return self._stats[generation]
        outcome = self.run(Job("stats"), timeout=max(30.0, self.settings.server.query_timeout))
        found = outcome.stats if outcome.status == "ok" else {}
        if found:
            with self._stats_lock:
                self._stats = {generation: found}
        return found

    def close(self) -> None:
        self.pool.close()


def state() -> ServerState:
    """The state of the app handling the current request."""
    found: ServerState = current_app.extensions[EXTENSION]
    return found

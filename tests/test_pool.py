"""Worker pool: jobs run in processes, overruns are killed, workers are replaced."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from server.pool import JobTimeout, PoolBusy, WorkerPool
from server.worker import Job

SLOW = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture()
def pool(fixture_store: Path):
    p = WorkerPool(fixture_store, 1)
    yield p
    p.close()


def test_job_runs_in_another_process(pool: WorkerPool) -> None:
    outcome = pool.run(Job("query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 10)
    assert outcome.status == "ok" and outcome.form == "select" and b'"n"' in outcome.body
    import os
    assert os.getpid() not in pool.pids()


def test_overrun_killed_and_replaced(pool: WorkerPool) -> None:
    before = pool.pids()
    t = time.monotonic()
    with pytest.raises(JobTimeout):
        pool.run(Job("query", SLOW), 0.5)
    assert time.monotonic() - t < 1.5
    assert pool.kills == 1
    outcome = pool.run(Job("query", "ASK {}"), 10)  # waits for the replacement
    assert outcome.status == "ok"
    assert pool.pids() != before


def test_busy_pool_times_out_waiting(pool: WorkerPool) -> None:
    import threading

    def overrun() -> None:
        with pytest.raises(JobTimeout):
            pool.run(Job("query", SLOW), 1.0)

    thread = threading.Thread(target=overrun)
    thread.start()
    time.sleep(0.2)
    with pytest.raises(PoolBusy):
        pool.run(Job("query", "ASK {}"), 0.3)
    thread.join()


def test_syntax_error_is_an_outcome_not_a_crash(pool: WorkerPool) -> None:
    outcome = pool.run(Job("query", "SELECT * {"), 10)
    assert outcome.status == "syntax" and "error at" in outcome.message
    assert pool.run(Job("query", "ASK {}"), 10).status == "ok"

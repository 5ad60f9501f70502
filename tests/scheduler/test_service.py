"""The scheduler process: misfire catch-up from the job store, and one active process with a standby."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.leases import TTL
from scheduler.service import JOB_TABLE, MISFIRE_GRACE, JobSpec, build_scheduler, job_specs, run
from tests.scheduler import probe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def drop_job_table(engine):
    """The job table is APScheduler's, not in our metadata: the shared test schema must not keep it."""
    yield
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {JOB_TABLE}")


def url_of(engine):
    return engine.url.render_as_string(hide_password=False)


def store_missed_jobs(url):
    """Leave jobs in the store as a scheduler that went down long ago would: next run times in the past.

    Written through the job store itself: shutting down a paused APScheduler 3.x runs one last
    ``_process_jobs`` that would consume these due jobs without running them.
    """
    scheduler = build_scheduler(url)
    store = SQLAlchemyJobStore(url=url, tablename=JOB_TABLE)
    store.start(scheduler, "default")
    now = datetime.now(UTC)
    for job_id, trigger, missed in [("recent", IntervalTrigger(minutes=1), timedelta(minutes=30)),  # 30 missed runs
                                    ("ancient", IntervalTrigger(days=1), timedelta(hours=7))]:  # beyond the grace
        store.add_job(Job(scheduler, id=job_id, func="tests.scheduler.probe:record", trigger=trigger,
                          executor="default", args=[job_id], kwargs={}, name=job_id, misfire_grace_time=MISFIRE_GRACE,
                          coalesce=True, max_instances=1, next_run_time=now - missed))
    store.shutdown()


def next_runs(url) -> dict[str, datetime]:
    """The next run time of each job, as the job store holds it."""
    scheduler = build_scheduler(url)
    store = SQLAlchemyJobStore(url=url, tablename=JOB_TABLE)
    store.start(scheduler, "default")
    try:
        return {job.id: job.next_run_time for job in store.get_all_jobs()}
    finally:
        store.shutdown()


def wait_for(condition, timeout: float) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_it_runs_jobs_missed_during_downtime_once_on_restart(engine, tmp_path):
    url = url_of(engine)
    store_missed_jobs(url)
    probe.CALLS.clear()
    specs = [JobSpec("recent", "tests.scheduler.probe:record", IntervalTrigger(minutes=1)),
             JobSpec("ancient", "tests.scheduler.probe:record", IntervalTrigger(days=1))]
    stop = threading.Event()
    worker = threading.Thread(target=run, args=(url, tmp_path), kwargs={"poll": 0.2, "specs": specs, "stop": stop})
    worker.start()
    # The scheduler has handled the missed runs once both stored next run times lie ahead: then every run it
    # decided on is in its executor, and stopping waits for them (shutdown(wait=True)).
    started = datetime.now(UTC)
    assert wait_for(lambda: next_runs(url) and all(t > started for t in next_runs(url).values()), 20)
    stop.set()
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert probe.CALLS == ["recent"]  # 30 missed runs coalesced into one; the 7-hour-old run is skipped


def test_it_keeps_the_stored_next_run_time_of_an_unchanged_job(engine, tmp_path):
    from scheduler.service import ensure_jobs

    url = url_of(engine)
    scheduler = build_scheduler(url)
    scheduler.start(paused=True)
    try:
        assert ensure_jobs(scheduler, job_specs()) == [s.id for s in job_specs()]
        before = {j.id: j.next_run_time for j in scheduler.get_jobs()}
        assert ensure_jobs(scheduler, job_specs()) == []
        assert {j.id: j.next_run_time for j in scheduler.get_jobs()} == before
        assert {j.func_ref for j in scheduler.get_jobs()} == {s.func for s in job_specs()}
        assert all(j.misfire_grace_time == 6 * 3600 and j.coalesce for j in scheduler.get_jobs())
    finally:
        scheduler.shutdown()


def start_scheduler(url):
    """A ``hanchot scheduler`` process; its stdout lines are collected in ``process.lines`` by a thread."""
    env = {**os.environ, "HANCHOT_DATABASE_URL": url}
    process = subprocess.Popen([sys.executable, "-m", "hanchot", "scheduler", "--poll", "0.3"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    process.lines = queue.Queue()
    threading.Thread(target=lambda: [process.lines.put(line) for line in process.stdout], daemon=True).start()
    return process


def next_line(process, timeout) -> str:
    """The next line ``process`` printed ("ACTIVE pid=…", "STANDBY pid=…"), or "" after ``timeout`` seconds."""
    try:
        return process.lines.get(timeout=timeout)
    except queue.Empty:
        return ""


@pytest.mark.slow
def test_it_runs_one_active_scheduler_and_the_standby_takes_over(engine):
    url = url_of(engine)
    first = start_scheduler(url)
    try:
        assert next_line(first, 30).startswith("ACTIVE")
        second = start_scheduler(url)
        try:
            assert next_line(second, 30).startswith("STANDBY")  # it found the lock held by the first one
            assert second.poll() is None and first.poll() is None
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            started = time.monotonic()
            assert next_line(second, 15).startswith("ACTIVE")
            # Before the lease could expire: PostgreSQL frees the dead connection's advisory lock, and on SQLite
            # the standby sees that the leader's process on this host is gone.
            took = time.monotonic() - started
            print(f"standby took over after {took:.1f} s")
            assert took < TTL.total_seconds()
        finally:
            second.terminate()
            second.wait(timeout=20)
        assert second.returncode == 0  # SIGTERM stops it cleanly
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

"""The ``hanchot scheduler`` process: one active APScheduler 3.x per database, any number on standby.

APScheduler only ticks; the outbox decides what is due. Traps handled here (docs/architecture.md):

- ``misfire_grace_time`` is 1 second by default: a job missed while the process was down would be
  skipped. We set 6 hours, with ``coalesce`` so a restart after downtime runs each missed job **once**.
- Jobs live in our database (SQLAlchemyJobStore) and are stored as ``"scheduler.jobs:<name>"`` text
  with explicit ids. At start we add a job only when it is missing or its trigger changed: re-adding it
  with ``replace_existing`` would overwrite the stored next_run_time and silently drop the catch-up run.
- Sharing a job store between two running schedulers duplicates jobs, so the job store is opened only
  after the leader lock is won (``scheduler.leader``). A standby process holds no job store at all.

The scheduler runs in the background thread of a BackgroundScheduler because the main thread has a job
of its own: hold the lock, check it every few seconds, and stop everything if it is lost.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.leader import Leadership
from scheduler.leases import set_current

log = logging.getLogger(__name__)
TIMEZONE = "Asia/Ho_Chi_Minh"
JOB_TABLE = "apscheduler_jobs"
MISFIRE_GRACE = 6 * 3600


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str  # "module:function" text: what the job store pickles
    trigger: Any


def job_specs(timezone: str = TIMEZONE) -> list[JobSpec]:
    """Every job, with the id and function path that must never change once deployed."""
    return [
        JobSpec("plan-reminders", "scheduler.jobs:plan_job", IntervalTrigger(minutes=15, timezone=timezone)),
        JobSpec("dispatch-tick", "scheduler.jobs:dispatch_job", IntervalTrigger(seconds=60, timezone=timezone)),
        JobSpec("daily-digest", "scheduler.jobs:digest_job", CronTrigger(hour=7, minute=55, timezone=timezone)),
        JobSpec("publish-feeds", "scheduler.jobs:feeds_job", IntervalTrigger(minutes=10, timezone=timezone)),
        JobSpec("recompute-dates", "scheduler.jobs:rules_job", IntervalTrigger(minutes=5, timezone=timezone)),
        JobSpec("zalo-token-refresh", "scheduler.jobs:zalo_token_job", IntervalTrigger(minutes=30, timezone=timezone)),
    ]


def build_scheduler(database_url: str, timezone: str = TIMEZONE) -> BackgroundScheduler:
    """A scheduler on our database's job store, with explicit misfire and coalescing rules."""
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=database_url, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"misfire_grace_time": MISFIRE_GRACE, "coalesce": True, "max_instances": 1},
        timezone=timezone,
    )


def ensure_jobs(scheduler: BackgroundScheduler, specs: list[JobSpec]) -> list[str]:
    """Add missing jobs, update changed ones, remove stored jobs no longer defined; keep stored next run times.

    Returns the ids added, changed or removed. Must be called on a started (paused) scheduler so that the
    stored jobs are visible. A stored job whose function moved would fail to load at every tick: removing
    what we no longer define keeps the store clean.
    """
    wanted = {spec.id for spec in specs}
    changed = []
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
            changed.append(job.id)
    for spec in specs:
        stored = scheduler.get_job(spec.id)
        if stored is None:
            scheduler.add_job(spec.func, spec.trigger, id=spec.id, name=spec.id)
            changed.append(spec.id)
        elif stored.func_ref != spec.func or str(stored.trigger) != str(spec.trigger):
            scheduler.modify_job(spec.id, func=spec.func)
            scheduler.reschedule_job(spec.id, trigger=spec.trigger)
            changed.append(spec.id)
    return changed


def run(database_url: str, lock_dir: Path, *, poll: float = 2.0, specs: list[JobSpec] | None = None,
        timezone: str = TIMEZONE, stop: threading.Event | None = None,
        on_start: Callable[[], None] | None = None) -> None:
    """Wait for the leader lock, then run ``on_start`` once (the dates' catch-up) and the jobs until
    SIGTERM/SIGINT or until the lock is lost."""
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    leadership = Leadership(database_url, lock_dir)
    try:
        # STANDBY and ACTIVE: lines tests and supervisors can wait for.
        if not leadership.wait(poll=poll, stop=stop.is_set,
                               on_standby=lambda: print(f"STANDBY pid={os.getpid()}", flush=True)):
            return
        log.warning("scheduler active (%s held by this process)", leadership.kind)
        set_current(leadership.fence)  # the jobs' claims are fenced by this token
        if on_start is not None:
            try:
                on_start()
            except Exception:  # a failed catch-up must not keep reminders from going out: the job retries it
                log.exception("the start-up task failed; its periodic job will try again")
        print(f"ACTIVE pid={os.getpid()}", flush=True)
        scheduler = build_scheduler(database_url, timezone)
        scheduler.start(paused=True)
        try:
            ensure_jobs(scheduler, specs if specs is not None else job_specs(timezone))
            scheduler.resume()  # missed runs within the grace time now run once each (coalesced)
            while not stop.wait(poll):
                if not leadership.check():
                    log.error("the scheduler lock was lost: stopping so that the standby takes over")
                    break
        finally:
            set_current(None)
            scheduler.shutdown(wait=True)
    finally:
        leadership.release()


def _stop_on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

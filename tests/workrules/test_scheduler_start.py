"""``hanchot scheduler`` recomputes the stored dates at start when holidays.toml, policy.toml or day_rules.toml
changed on disk since the dates were last computed (edited while nothing ran), before its first reminder job."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import AuditLog
from models.db import session_factory
from scheduler.service import JOB_TABLE
from tests.workrules.helpers import (
    PLAN_21,
    ROOT,
    add_day_off,
    config_dir,
    import_plan,
    live,
    milestone_of,
    rules_of,
    settings_for,
)
from workrules.recompute import catch_up

NOW = datetime(2026, 1, 2, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def drop_job_table(engine):
    """APScheduler's job table is not in our metadata: the shared test schema must not keep it."""
    yield
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {JOB_TABLE}")


def _start_until_active(url: str, folder) -> str:
    """Run ``hanchot scheduler`` until it says ACTIVE (printed after the start-up catch-up), then stop it."""
    env = {**os.environ, "HANCHOT_DATABASE_URL": url, "HANCHOT_CONFIG_DIR": str(folder)}
    process = subprocess.Popen([sys.executable, "-m", "hanchot", "scheduler", "--poll", "0.3"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()  # blocks until the first line: ACTIVE (or STANDBY if a lock is held)
        process.terminate()
        process.wait(timeout=30)
        return line
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_the_scheduler_recomputes_at_start_when_the_rule_files_changed_on_disk(engine, tmp_path):
    folder = config_dir(tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    with session_factory(engine)() as session:
        plan = import_plan(session, PLAN_21, rules_of(folder))
        catch_up(session, rules_of(folder), settings_for(folder, url), NOW)  # the dates match the files
        session.commit()
        assert live(milestone_of(session, plan, "1-1"))[0].effective_due == date(2026, 1, 5)

    add_day_off(folder, date(2026, 1, 5))  # edited on disk while no scheduler runs
    assert _start_until_active(url, folder).startswith("ACTIVE")
    with session_factory(engine)() as session:
        assert live(milestone_of(session, plan, "1-1"))[0].effective_due == date(2026, 1, 6)
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.recompute")).all()
        assert [(a.actor, a.before["effective_due"], a.after["effective_due"]) for a in audit] == [
            ("scheduler", "2026-01-05", "2026-01-06")]

    assert _start_until_active(url, folder).startswith("ACTIVE")  # unchanged files: nothing recomputed again
    with session_factory(engine)() as session:
        assert len(session.scalars(select(AuditLog).where(AuditLog.action == "occurrence.recompute")).all()) == 1

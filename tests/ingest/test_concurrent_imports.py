"""Issue 18: two imports of one folder at once store each plan once (unique identity + per-plan lock).

The plans folder holds each plan twice (its text and its Word rendering): two `hanchot import` processes
started together see every plan four times, on SQLite and PostgreSQL, and exactly one row per plan comes out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import make_engine
from models.migrate import upgrade
from models.plans import Plan
from tests.support.data import PLANS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_two_imports_of_the_plans_folder_at_once_store_each_plan_once(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    env = {**os.environ, "HANCHOT_DATABASE_URL": db_url}
    processes = [subprocess.Popen([sys.executable, "-m", "hanchot", "import", str(PLANS), "--plan-year", "2026"],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outcomes = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], [err[-800:] for _, err in outcomes]
    with Session(engine) as session:
        keys = session.scalars(select(Plan.identity_key)).all()
        revisions = session.scalar(select(func.count()).select_from(Plan).where(Plan.identity_key.is_(None)))
    engine.dispose()
    assert revisions == 0
    assert len(keys) == len(set(keys)) == len(list(PLANS.glob("*.txt"))) == 10

"""Import 1,000 plans (the seeds with varied numbers) and report plans per second.

    .venv/bin/python -m bench.import_bench [--pg] [--count N] [--jobs 1,2]

Each seed is read once; the drafts are stored with distinct numbers and hashes, one transaction per
plan, through ``ingest.batch.store_each`` (what ``hanchot import DIR`` runs), into a fresh SQLite file
(one writer) and, with --pg, into a fresh PostgreSQL schema of HANCHOT_TEST_PG_URL once per ``--jobs``
level (plans stored at once; ``hanchot import`` uses 2 on PostgreSQL).
"""

from __future__ import annotations

import argparse
import copy
import os
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from config.agencies import AgencyDirectory
from ingest import read_plan
from ingest.batch import store_each
from ingest.store import store_plan
from models.db import make_engine
from models.migrate import upgrade

SEEDS = Path(__file__).resolve().parents[1] / "tests" / "data" / "seeds"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def run(url: str, count: int, jobs: int) -> tuple[float, float]:
    """Plans per second (wall clock) and this process's CPU milliseconds per plan."""
    engine = make_engine(url)
    upgrade(engine)
    directory = AgencyDirectory.load()
    seeds = [read_plan(p) for p in sorted(SEEDS.glob("*.txt"))]
    drafts = []
    for i in range(count):
        draft = copy.copy(seeds[i % len(seeds)])
        draft.number, draft.content_hash = f"{i + 1}/KH-BENCH", f"{i:064x}"
        drafts.append(draft)
    start, cpu = time.perf_counter(), time.process_time()
    store_each(engine, drafts, lambda session, draft: store_plan(session, draft, directory), jobs=jobs)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return count / elapsed, cpu / count * 1000


def report(backend: str, figures: tuple[float, float], count: int) -> None:
    # The CPU figure tells a loaded machine (other processes, a busy disk) from a slow importer.
    print(f"{backend}: {figures[0]:.1f} plans/s ({count} plans, {figures[1]:.1f} ms CPU per plan in this process)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", action="store_true", help="Also import into PostgreSQL.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", default="1,2", help="PostgreSQL: plans stored at once, one run per level.")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        report("sqlite", run(f"sqlite:///{folder}/bench.db", args.count, 1), args.count)
    if args.pg:
        server = os.environ.get("HANCHOT_TEST_PG_URL", PG)
        admin = create_engine(server)
        for jobs in (int(n) for n in args.jobs.split(",")):
            schema = f"bench_{secrets.token_hex(4)}"
            with admin.begin() as c:
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
                url = url.render_as_string(hide_password=False)
                report(f"postgresql, {jobs} at once", run(url, args.count, jobs), args.count)
            finally:
                with admin.begin() as c:
                    c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
